// Times activity_feed's search and filters and entity_detail as the dashboard calls them (role
// authenticated + JWT claims, as PostgREST does) on bench/fill-search.sql's data: the first page
// and the next older page (p_before = the first page's last id), median and p95 as the client
// sees them and the server's execution time (EXPLAIN ANALYZE, timing off, so load on the machine
// shows as the gap between the two), for activity_feed now and for the trigram-only function of
// 20261201210000 (recreated as activity_feed_before; "DIFFERENT ROWS" if the two ever disagree).
// Then what the search structures cost writers (rows written
// through the real triggers): with the posting list, without it (as before 20261202010000),
// without the trigram index, without the search column.
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-search.ts [iterations]
// Prints ms. Destroys the search structures at the end (throwaway cluster).
import { readFileSync } from 'node:fs';
import pg from 'pg';

const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const SUPPORT = 'a0000000-0000-4000-8000-000000000002';

interface Case {
  name: string;
  as: string | null; // staff user id, or null for postgres without RLS
  sql: string;
  older?: string; // activity_feed arguments for the next older page; p_before is added
}

interface Timing {
  client: number[];
  server: number[];
  rows: number;
  lastId: number | null;
  ids: string;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

function stats(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${percentile(sorted, 50).toFixed(2).padStart(7)} ${percentile(sorted, 95).toFixed(2).padStart(7)}`;
}

function row(name: string, times: number[], extra = ''): string {
  return `${name.padEnd(58)} ${stats(times)}${extra}`;
}

async function asRole(client: pg.Client, as: string | null): Promise<void> {
  await client.query('begin');
  if (as) {
    await client.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
      JSON.stringify({ sub: as, role: 'authenticated', aud: 'authenticated' }),
    ]);
  }
}

async function timeCase(client: pg.Client, as: string | null, sql: string, iterations: number): Promise<Timing> {
  const t: Timing = { client: [], server: [], rows: 0, lastId: null, ids: '' };
  for (let n = 0; n < iterations + 3; n += 1) {
    await asRole(client, as);
    const start = process.hrtime.bigint();
    const res = await client.query(sql);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await client.query('rollback');
    t.rows = res.rowCount ?? 0;
    const last = res.rows.at(-1) as { id?: string | number } | undefined;
    t.lastId = last?.id === undefined ? null : Number(last.id);
    t.ids = res.rows.map((r: { id?: unknown }) => String(r.id)).join(',');
    if (n >= 3) t.client.push(ms); // the first calls warm caches
  }
  for (let n = 0; n < iterations; n += 1) {
    await asRole(client, as);
    const res = await client.query<{ 'QUERY PLAN': [{ 'Execution Time': number }] }>(
      `explain (analyze, timing off, format json) ${sql}`,
    );
    await client.query('rollback');
    t.server.push(res.rows[0]?.['QUERY PLAN'][0]['Execution Time'] ?? NaN);
  }
  return t;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const feed = (args: string, fn = 'activity_feed') => `select * from public.${fn}(50${args ? `, ${args}` : ''})`;

// The activity_feed of 20261201210000 (trigram index only) as public.activity_feed_before, so that
// before and after are timed on the same data at the same moment.
async function createBefore(client: pg.Client): Promise<void> {
  const migration = readFileSync(new URL('../supabase/migrations/20261201210000_add_activity_search.sql', import.meta.url), 'utf8');
  const start = migration.indexOf('create function public.activity_feed(');
  const end = migration.indexOf('$$;', start) + 3;
  await client.query(migration.slice(start, end).replace('create function public.activity_feed(', 'create or replace function public.activity_feed_before('));
  await client.query('grant execute on function public.activity_feed_before(int, bigint, bigint, text, text[], text[], text[]) to authenticated');
}

async function timePages(client: pg.Client, c: Case, fn: string, iterations: number): Promise<{ text: string; ids: string }> {
  const first = await timeCase(client, c.as, feed(c.older ?? '', fn), iterations);
  let olderText = '                      (no older page)';
  let ids = first.ids;
  if (first.rows === 50 && first.lastId !== null) {
    const older = await timeCase(client, c.as, feed(`p_before => ${first.lastId}${c.older ? `, ${c.older}` : ''}`, fn), iterations);
    olderText = `${stats(older.client)} | ${stats(older.server)} ${String(older.rows).padStart(3)}`;
    ids += `/${older.ids}`;
  }
  return { text: `${stats(first.client)} | ${stats(first.server)} ${String(first.rows).padStart(3)}   ${olderText}`, ids };
}
const search = (name: string, as: string, args: string): Case => ({ name, as, sql: feed(args), older: args });

async function readCases(client: pg.Client): Promise<{ searches: Case[]; others: Case[] }> {
  const one = async (sql: string): Promise<string> => String(Object.values((await client.query(sql)).rows[0] ?? {})[0]);
  const rareName = await one(`select full_name from public.customers where full_name like '%-%' order by id limit 1`);
  // A mid-frequency name: the customer name whose rows are closest to 0.3 % of the log.
  const midName = await one(`select n from (select summary ->> 'customer_name' as n, count(*) as c from public.activity_log
                               where summary ? 'customer_name' group by 1) x
                              order by abs(c - (select count(*) * 0.003 from public.activity_log)), n limit 1`);
  const midId = await one(`select max(id) / 2 from public.activity_log`);
  const maxId = await one(`select max(id) from public.activity_log`);
  const ticket = await one(`select id from public.tickets order by number limit 1 offset 150000`);
  const ticketNumber = await one(`select number from public.tickets where id = ${quote(ticket)}`);
  const orderNumber = await one(`select number from public.orders order by number limit 1 offset 299000`);
  const popularProduct = await one(`select entity_id from public.activity_log where entity_type = 'product'
                                     group by 1 order by count(*) desc limit 1`);
  const deletedTicket = await one(`select entity_id from public.activity_log where kind = 'ticket_deleted' order by id desc limit 1`);
  const customer = await one(`select id from public.customers where full_name = 'Jane Smith' order by id limit 1`);
  const counts = await client.query<{ term: string; rows: string }>(
    `select t.term, (select count(*) from public.activity_log a where a.search_text like '%' || t.term || '%') as rows
       from unnest(array['jane smith', 'capacitor', 'screen', 'iphone', 'nokia 3310', ${quote(rareName.toLowerCase())},
                         ${quote(midName.toLowerCase())}]) t(term)`,
  );
  console.log(`rows matching: ${counts.rows.map((r) => `${r.term} ${r.rows}`).join(', ')}`);
  const searches: Case[] = [
    search(`mid-frequency name: '${midName}'`, ADMIN, `p_query => ${quote(midName)}`),
    search(`mid-frequency name: '${rareName}'`, ADMIN, `p_query => ${quote(rareName)}`),
    search(`three words: 'maria garcia cracked'`, ADMIN, `p_query => 'maria garcia cracked'`),
    search(`old rows only: 'nokia 3310'`, ADMIN, `p_query => 'nokia 3310'`),
    search(`very common: 'screen'`, ADMIN, `p_query => 'screen'`),
    search(`very common: 'iphone' (support)`, SUPPORT, `p_query => 'iphone'`),
    search(`no match: 'zyzzogeton'`, ADMIN, `p_query => 'zyzzogeton'`),
    search(`rare word: 'capacitor'`, ADMIN, `p_query => 'capacitor'`),
    search(`popular name: 'Jane Smith' (support)`, SUPPORT, `p_query => 'Jane Smith'`),
    search(`'jane smith' + p_types ticket`, ADMIN, `p_query => 'jane smith', p_types => '{ticket}'`),
    search(`'${midName}' + p_types customer`, ADMIN, `p_query => ${quote(midName)}, p_types => '{customer}'`),
    search(`'jane smith' + status open (support)`, SUPPORT, `p_query => 'jane smith', p_ticket_status => '{open}'`),
    search(`'iphone 13' + priority urgent (support)`, SUPPORT, `p_query => 'iphone 13', p_ticket_priority => '{urgent}'`),
    search(`'screen' + status closed + priority urgent`, SUPPORT,
      `p_query => 'screen', p_ticket_status => '{closed}', p_ticket_priority => '{urgent}'`),
    search(`two letters (at a word start): 'zq'`, ADMIN, `p_query => 'zq'`),
    search(`filter only: p_types customer (support)`, SUPPORT, `p_types => '{customer}'`),
    search(`filter only: status waiting_parts (support)`, SUPPORT, `p_ticket_status => '{waiting_parts}'`),
    search(`filter only: status closed + priority urgent`, SUPPORT, `p_ticket_status => '{closed}', p_ticket_priority => '{urgent}'`),
    search('no search, no filter', ADMIN, ''),
  ];
  const others: Case[] = [
    { name: `number: '#${ticketNumber}' (ticket)`, as: ADMIN, sql: feed(`p_query => '#${ticketNumber}'`) },
    { name: `number: '${orderNumber}' (order)`, as: ADMIN, sql: feed(`p_query => '${orderNumber}'`) },
    { name: `number: '${orderNumber}' (order, support: no rows)`, as: SUPPORT, sql: feed(`p_query => '${orderNumber}'`) },
    { name: `'jane smith' p_before middle of the log`, as: ADMIN, sql: feed(`p_before => ${midId}, p_query => 'jane smith'`) },
    { name: `'jane smith' p_after max-100 (live catch-up)`, as: ADMIN, sql: feed(`p_after => ${Number(maxId) - 100}, p_query => 'jane smith'`) },
    { name: 'entity_detail ticket', as: SUPPORT, sql: `select public.entity_detail('ticket', ${quote(ticket)})` },
    { name: 'entity_detail product, 200 of its many rows', as: ADMIN, sql: `select public.entity_detail('product', ${quote(popularProduct)})` },
    { name: 'entity_detail deleted ticket', as: ADMIN, sql: `select public.entity_detail('ticket', ${quote(deletedTicket)})` },
    { name: 'entity_detail customer', as: SUPPORT, sql: `select public.entity_detail('customer', ${quote(customer)})` },
    {
      name: `no index: summary::text ilike '%capacitor%'`,
      as: null,
      sql: `select id from public.activity_log where summary::text ilike '%capacitor%' order by id desc limit 50`,
    },
  ];
  return { searches, others };
}

// Writers: single-row transactions (each commit runs the deferred flush) and one bulk statement.
async function writers(client: pg.Client, label: string, singles: number, bulk: number): Promise<void> {
  const issue = `Screen cracked after a drop, touch unresponsive in the lower half; customer asks for a call before replacing parts. `.repeat(8);
  const times: number[] = [];
  const cust = (await client.query<{ id: string }>('select id from public.customers order by id limit 1')).rows[0]?.id;
  for (let n = 0; n < singles; n += 1) {
    const start = process.hrtime.bigint();
    await client.query(`insert into public.tickets (customer_id, device, issue) values ($1, 'iPhone 13', $2)`, [
      cust,
      `${issue}#${label}-${n}`,
    ]);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(row(`${label}: 1 ticket per transaction (${singles}x)`, times));
  const start = process.hrtime.bigint();
  await client.query(
    `insert into public.tickets (customer_id, device, issue)
     select $1, 'Pixel 8', $2 || g from generate_series(1, ${bulk}) g`,
    [cust, issue],
  );
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(`${`${label}: ${bulk} tickets in one statement`.padEnd(58)} ${ms.toFixed(0).padStart(9)} ms total, ${(ms / bulk).toFixed(3)} ms/row`);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const iterations = Number(process.argv[2] ?? 30);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const info = (
    await client.query<{ activity: string; version: string; heap: string; idx: string; postings: string; psize: string }>(
      `select (select count(*) from public.activity_log) as activity, current_setting('server_version') as version,
              pg_size_pretty(pg_relation_size('public.activity_log')) as heap,
              pg_size_pretty(pg_relation_size('public.activity_log_search_text_idx')) as idx,
              (select count(*) from private.activity_postings) as postings,
              pg_size_pretty(pg_total_relation_size('private.activity_postings')) as psize`,
    )
  ).rows[0];
  console.log(
    `PostgreSQL ${info?.version}: ${info?.activity} activity rows (heap ${info?.heap}, trigram index ${info?.idx}, ` +
      `${info?.postings} postings in ${info?.psize}); ${iterations} calls each`,
  );
  const { searches, others } = await readCases(client);
  console.log(`\n${'activity_feed(50), ms: client p50 p95 | server p50 p95'.padEnd(58)} ${'first page'.padStart(31)}   ${'older page'.padStart(31)}`);
  await createBefore(client);
  for (const c of searches) {
    const now = await timePages(client, c, 'activity_feed', iterations);
    const before = await timePages(client, c, 'activity_feed_before', iterations);
    console.log(c.name);
    console.log(`${'  postings (now)'.padEnd(58)} ${now.text}`);
    console.log(`${`  trigram only (before)${now.ids === before.ids ? '' : ' DIFFERENT ROWS'}`.padEnd(58)} ${before.text}`);
  }
  console.log(`\n${'other reads, ms: client p50 p95 | server p50 p95'.padEnd(58)}`);
  for (const c of others) {
    const t = await timeCase(client, c.as, c.sql, c.as === null ? Math.min(iterations, 5) : iterations);
    console.log(`${c.name.padEnd(58)} ${stats(t.client)} | ${stats(t.server)} ${String(t.rows).padStart(3)}`);
  }

  const singles = Number(process.env.BENCH_WRITES ?? 1000);
  const bulk = Number(process.env.BENCH_BULK ?? 20000);
  if (singles === 0) {
    await client.end();
    return; // BENCH_WRITES=0: reads only, the cluster keeps its indexes
  }
  console.log(`\nwriters (through the triggers; one ticket = one activity row; median/p95 ms per commit)`);
  await writers(client, 'postings + trigram index + column (now)', singles, bulk);
  await client.query(`alter table public.activity_log disable trigger activity_log_post_insert`);
  await writers(client, 'trigram index + column (before postings)', singles, bulk);
  await client.query('drop index public.activity_log_search_text_idx');
  await writers(client, 'search column, no trigram index', singles, bulk);
  await client.query('alter table public.activity_log drop column search_text cascade');
  await writers(client, 'no search structures at all', singles, bulk);
  await client.end();
}

await main();

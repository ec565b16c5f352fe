// Times activity_feed's search and filters and entity_detail as the dashboard calls them (role
// authenticated + JWT claims, as PostgREST does) on bench/fill-search.sql's data, then what the
// search column and its trigram index cost writers (rows written through the real triggers, with
// both, without the index, without either).
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-search.ts [iterations]
// Prints median and p95 in ms. Destroys the search index and column at the end (throwaway cluster).
import pg from 'pg';

const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const SUPPORT = 'a0000000-0000-4000-8000-000000000002';

interface Case {
  name: string;
  as: string | null; // staff user id, or null for postgres without RLS
  sql: string;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

function row(name: string, times: number[], extra = ''): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `${name.padEnd(58)} ${percentile(sorted, 50).toFixed(2).padStart(9)} ${percentile(sorted, 95).toFixed(2).padStart(9)}${extra}`;
}

async function timeCase(client: pg.Client, c: Case, iterations: number): Promise<{ times: number[]; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let n = 0; n < iterations + 3; n += 1) {
    await client.query('begin');
    if (c.as) {
      await client.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
        JSON.stringify({ sub: c.as, role: 'authenticated', aud: 'authenticated' }),
      ]);
    }
    const start = process.hrtime.bigint();
    const res = await client.query(c.sql);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await client.query('rollback');
    rows = res.rowCount ?? 0;
    if (n >= 3) times.push(ms); // the first calls warm caches
  }
  return { times, rows };
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const feed = (args: string) => `select * from public.activity_feed(50${args ? `, ${args}` : ''})`;

async function readCases(client: pg.Client): Promise<Case[]> {
  const one = async (sql: string): Promise<string> => String(Object.values((await client.query(sql)).rows[0] ?? {})[0]);
  const rareName = await one(`select full_name from public.customers where full_name like '%-%' order by id limit 1`);
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
       from unnest(array['jane smith', 'capacitor', 'screen', 'iphone', 'nokia 3310', ${quote(rareName.toLowerCase())}]) t(term)`,
  );
  console.log(`rows matching: ${counts.rows.map((r) => `${r.term} ${r.rows}`).join(', ')}`);
  return [
    { name: 'activity_feed(50), no search', as: ADMIN, sql: feed('') },
    { name: `name, popular: 'Jane Smith'`, as: ADMIN, sql: feed(`p_query => 'Jane Smith'`) },
    { name: `name, popular: 'Jane Smith' (support)`, as: SUPPORT, sql: feed(`p_query => 'Jane Smith'`) },
    { name: `name, rare: '${rareName}'`, as: ADMIN, sql: feed(`p_query => ${quote(rareName)}`) },
    { name: `number: '#${ticketNumber}' (ticket)`, as: ADMIN, sql: feed(`p_query => '#${ticketNumber}'`) },
    { name: `number: '${orderNumber}' (order)`, as: ADMIN, sql: feed(`p_query => '${orderNumber}'`) },
    { name: `number: '${orderNumber}' (order, support: no rows)`, as: SUPPORT, sql: feed(`p_query => '${orderNumber}'`) },
    { name: `rare word: 'capacitor'`, as: ADMIN, sql: feed(`p_query => 'capacitor'`) },
    { name: `very common: 'screen'`, as: ADMIN, sql: feed(`p_query => 'screen'`) },
    { name: `very common: 'iphone' (support)`, as: SUPPORT, sql: feed(`p_query => 'iphone'`) },
    { name: `words: 'maria garcia cracked'`, as: ADMIN, sql: feed(`p_query => 'maria garcia cracked'`) },
    { name: `only in old rows: 'nokia 3310'`, as: ADMIN, sql: feed(`p_query => 'nokia 3310'`) },
    { name: `'jane smith' + p_types ticket`, as: ADMIN, sql: feed(`p_query => 'jane smith', p_types => '{ticket}'`) },
    { name: `p_types customer`, as: SUPPORT, sql: feed(`p_types => '{customer}'`) },
    { name: `p_ticket_status waiting_parts`, as: SUPPORT, sql: feed(`p_ticket_status => '{waiting_parts}'`) },
    { name: `p_ticket_status closed + priority urgent`, as: SUPPORT, sql: feed(`p_ticket_status => '{closed}', p_ticket_priority => '{urgent}'`) },
    { name: `'jane smith' + status open`, as: SUPPORT, sql: feed(`p_query => 'jane smith', p_ticket_status => '{open}'`) },
    { name: `'iphone 13' + priority urgent`, as: SUPPORT, sql: feed(`p_query => 'iphone 13', p_ticket_priority => '{urgent}'`) },
    { name: `'jane smith' p_before middle (page into the past)`, as: ADMIN, sql: feed(`p_before => ${midId}, p_query => 'jane smith'`) },
    { name: `'jane smith' p_after max-100 (live catch-up)`, as: ADMIN, sql: feed(`p_after => ${Number(maxId) - 100}, p_query => 'jane smith'`) },
    { name: `two letters (at a word start): 'zq'`, as: ADMIN, sql: feed(`p_query => 'zq'`) },
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
    await client.query<{ activity: string; version: string; heap: string; idx: string }>(
      `select (select count(*) from public.activity_log) as activity, current_setting('server_version') as version,
              pg_size_pretty(pg_relation_size('public.activity_log')) as heap,
              pg_size_pretty(pg_relation_size('public.activity_log_search_text_idx')) as idx`,
    )
  ).rows[0];
  console.log(`PostgreSQL ${info?.version}: ${info?.activity} activity rows (heap ${info?.heap}, trigram index ${info?.idx}); ${iterations} calls each`);
  const cases = await readCases(client);
  console.log(`${'query (first page of 50)'.padEnd(58)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)}  rows`);
  for (const c of cases) {
    const { times, rows } = await timeCase(client, c, c.as === null ? Math.min(iterations, 5) : iterations);
    console.log(row(c.name, times, `  ${rows}`));
  }

  const singles = Number(process.env.BENCH_WRITES ?? 1000);
  const bulk = Number(process.env.BENCH_BULK ?? 20000);
  if (singles === 0) {
    await client.end();
    return; // BENCH_WRITES=0: reads only, the cluster keeps its indexes
  }
  console.log(`\nwriters (through the triggers; median/p95 ms per commit)`);
  await writers(client, 'search column + trigram index', singles, bulk);
  await client.query('drop index public.activity_log_search_text_idx');
  await writers(client, 'search column, no trigram index', singles, bulk);
  await client.query('alter table public.activity_log drop column search_text cascade');
  await writers(client, 'neither (as before this change)', singles, bulk);
  await client.end();
}

await main();

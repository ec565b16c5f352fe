// Write throughput with concurrent writers, before and after the counters. Each writer is its
// own connection committing small transactions as fast as it can for a few seconds:
//   order:  an order (paid) and 1-3 items in one transaction (sales_hourly, totals, activity);
//   ticket: a new ticket and a status change of the writer's previous one (ticket counters).
// "before" puts the database as it was before the counters for the run (no ticket counter
// triggers; one sales_hourly row per hour), "after" as it is now. The rows written stay, and the
// ticket counters miss the "before" tickets: run it last, on a throwaway cluster.
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-writers.ts [seconds] [writers] [--json out]
import { writeFileSync } from 'node:fs';
import pg from 'pg';

interface Scenario {
  name: string;
  /** SQL that puts the database in its state before the counters, and back after. */
  before: string[];
  after: string[];
  work: (c: pg.Client, n: number, state: { last?: string }) => Promise<void>;
}

const SLOT_FN = (body: string) =>
  `create or replace function private.counter_slot() returns smallint language sql stable set search_path = '' as $$ ${body} $$`;
const TICKET_TRIGGERS = ['tickets_counters_insert', 'tickets_counters_update', 'tickets_counters_delete'];

const uuidOf = (key: string) => `md5('${key}')::uuid`;

const scenarios: Scenario[] = [
  {
    // Before: one sales_hourly row per hour (every writer shares slot 0), as before the spread.
    name: 'order + items',
    before: [SLOT_FN('select 0::smallint')],
    after: [SLOT_FN('select (pg_backend_pid() % 16)::smallint')],
    async work(c, n) {
      const { rows } = await c.query<{ id: string }>(
        `insert into public.orders (customer_id, status) values (${uuidOf(`c${1 + (n % 200000)}`)}, 'paid') returning id`,
      );
      await c.query(
        `insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
         select $1, md5('p' || (1 + ($2::int * 37 + j * 101) % 5000))::uuid, 1 + j % 3, 1000 + j
           from generate_series(1, 1 + $2::int % 3) j`,
        [rows[0]?.id, n],
      );
    },
  },
  {
    // Before: no ticket counters at all.
    name: 'ticket + status change',
    before: TICKET_TRIGGERS.map((t) => `alter table public.tickets disable trigger ${t}`),
    after: TICKET_TRIGGERS.map((t) => `alter table public.tickets enable trigger ${t}`),
    async work(c, n, state) {
      const { rows } = await c.query<{ id: string }>(
        `insert into public.tickets (customer_id, device, issue) values (${uuidOf(`c${1 + (n % 200000)}`)}, 'Bench phone', 'Bench')
         returning id`,
      );
      if (state.last) await c.query(`update public.tickets set status = 'in_progress' where id = $1`, [state.last]);
      state.last = rows[0]?.id;
    },
  },
];

async function run(url: string, s: Scenario, writers: number, seconds: number): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: writers }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const deadline = Date.now() + seconds * 1000;
  let commits = 0;
  await Promise.all(
    clients.map(async (c, w) => {
      const state: { last?: string } = {};
      for (let n = w * 1_000_003; Date.now() < deadline; n += 1) {
        await c.query('begin');
        await s.work(c, n, state);
        await c.query('commit');
        commits += 1;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.end()));
  return commits / seconds;
}

async function exec(url: string, statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const sql of statements) await c.query(sql);
  await c.end();
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const [secondsArg, writersArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const seconds = Number(secondsArg ?? 8);
  const writers = Number(writersArg ?? 8);
  const jsonAt = process.argv.indexOf('--json');
  const results: { scenario: string; before: number; after: number }[] = [];
  console.log(`\nwrite throughput: ${writers} concurrent writers, ${seconds} s per run (commits/s)`);
  console.log(`${'transaction'.padEnd(28)} ${'before'.padStart(10)} ${'after'.padStart(10)} ${'change'.padStart(8)}`);
  for (const s of scenarios) {
    await exec(url, s.before);
    const before = await run(url, s, writers, seconds);
    await exec(url, s.after);
    const after = await run(url, s, writers, seconds);
    results.push({ scenario: s.name, before, after });
    const change = `${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(0)} %`;
    console.log(`${s.name.padEnd(28)} ${before.toFixed(0).padStart(10)} ${after.toFixed(0).padStart(10)} ${change.padStart(8)}`);
  }
  if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1] ?? '', JSON.stringify(results, null, 2));
}

await main();

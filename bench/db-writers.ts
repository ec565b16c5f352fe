// Write throughput with concurrent writers, before and after a change. Each writer is its own
// connection committing small transactions as fast as it can for a few seconds:
//   order:  an order (paid) and 1-3 items in one transaction (sales_hourly, totals, activity);
//   ticket: a new ticket and a status change of the writer's previous one (ticket counters).
// The counters: "before" puts the database as it was before them for the run (no ticket counter
// triggers; one sales_hourly row per hour), "after" as it is now. The delta (issue 12): "before"
// is the flush and sales_hourly trigger of the migrations before 20261202000000 and no queueing
// triggers, "after" sends the dashboard deltas at commit. The rows written stay, and the
// ticket counters miss the "before" tickets: run it last, on a throwaway cluster.
// The delta section runs with 1 writer and with [writers] writers and prints, side by side,
// commits/s without the delta, with it, and the ratio (with / without).
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-writers.ts [seconds per run] [writers] [--json out] [--delta-only]
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';

interface Scenario {
  name: string;
  /** What "before" and "after" are (the table's section). */
  change: string;
  /** SQL that puts the database in its state before the counters, and back after. */
  before: string[];
  after: string[];
  work: (c: pg.Client, n: number, state: { last?: string }) => Promise<void>;
}

const SLOT_FN = (body: string) =>
  `create or replace function private.counter_slot() returns smallint language sql stable set search_path = '' as $$ ${body} $$`;
const TICKET_TRIGGERS = ['tickets_counters_insert', 'tickets_counters_update', 'tickets_counters_delete'];

const ROUNDS = 3;

// The delta: the functions as the migrations before it left them, and its statement triggers.
const MIGRATIONS = new URL('../supabase/migrations/', import.meta.url);
function functionIn(file: string, name: string): string {
  const sql = readFileSync(new URL(file, MIGRATIONS), 'utf8');
  const at = sql.search(new RegExp(`create (or replace )?function ${name.replace('.', '\\.')}\\(`));
  const end = sql.indexOf('\n$$;', at);
  if (at < 0 || end < 0) throw new Error(`${name} not found in ${file}`);
  return sql.slice(at, end + 4).replace(/^create function/, 'create or replace function');
}
const DELTA_TRIGGERS = [
  ...['tickets', 'orders', 'order_items', 'customers', 'products'].map((t) => `public.${t} %s trigger ${t}_queue_dashboard_delta`),
  // 20261207100000: the delta's record of changes to finished ticket hours.
  ...['insert', 'update', 'delete'].map((e) => `private.ticket_hourly %s trigger ticket_hourly_record_${e}`),
  // 20261208000000: the delta's record of the entities a transaction touched.
  ...['tickets', 'orders', 'order_items', 'customers', 'products'].flatMap((t) =>
    ['insert', 'update', 'delete', 'truncate'].map((e) => `public.${t} %s trigger ${t}_touched_${e}`),
  ),
];
/** ALTER TABLE ... ENABLE/DISABLE TRIGGER, skipped where the trigger does not exist (a database before it). */
const toggle = (t: string, how: 'enable' | 'disable') => {
  const [table, , , name] = t.split(' ');
  return `do $$ begin
    if exists (select 1 from pg_trigger where tgrelid = to_regclass('${table}') and tgname = '${name}') then
      alter table ${t.replace('%s', how)};
    end if;
  end $$`;
};
const withoutDelta = [
  functionIn('20261122223201_create_activity_log.sql', 'private.flush_activity'),
  functionIn('20261201201300_spread_sales_hourly.sql', 'private.apply_sales_hourly'),
  ...DELTA_TRIGGERS.map((t) => toggle(t, 'disable')),
];
/** Filled from the database at start: the functions as they are now. */
const withDelta: string[] = [];
const uuidOf = (key: string) => `md5('${key}')::uuid`;

const scenarios: Scenario[] = [
  {
    // Before: one sales_hourly row per hour (every writer shares slot 0), as before the spread.
    name: 'order + items',
    change: 'the counters',
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
    change: 'the counters',
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
for (const s of [...scenarios]) {
  scenarios.push({ ...s, change: 'the delta', before: withoutDelta, after: withDelta });
}

/** CPU seconds a local backend has used (utime + stime from /proc; null when not readable). */
function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

interface RunResult {
  perSecond: number;
  /** Server CPU per commit, ms: what a busy machine's throughput depends on. */
  cpuMsPerCommit: number | null;
}

async function run(url: string, s: Scenario, writers: number, seconds: number): Promise<RunResult> {
  const clients = await Promise.all(
    Array.from({ length: writers }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
      return { c, pid: rows[0]?.pid ?? 0 };
    }),
  );
  const cpuBefore = clients.map(({ pid }) => cpuSeconds(pid));
  const deadline = Date.now() + seconds * 1000;
  let commits = 0;
  await Promise.all(
    clients.map(async ({ c }, w) => {
      const state: { last?: string } = {};
      for (let n = w * 1_000_003; Date.now() < deadline; n += 1) {
        await c.query('begin');
        await s.work(c, n, state);
        await c.query('commit');
        commits += 1;
      }
    }),
  );
  const cpuAfter = clients.map(({ pid }) => cpuSeconds(pid));
  await Promise.all(clients.map(({ c }) => c.end()));
  const used = cpuAfter.every((v) => v !== null) && cpuBefore.every((v) => v !== null)
    ? cpuAfter.reduce<number>((sum, v, i) => sum + (v ?? 0) - (cpuBefore[i] ?? 0), 0)
    : null;
  return { perSecond: commits / seconds, cpuMsPerCommit: used === null ? null : (used * 1000) / commits };
}

/**
 * The delta's own part of a commit, timed in the server: private.send_dashboard_deltas for a
 * transaction with one new row, admin only (an order) and both audiences with ticket aging (a
 * ticket), 200 calls each in a rolled-back transaction. This is what the numbering lock is held
 * for on top of the numbering and the commit.
 */
async function deltaBuildTime(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`create function pg_temp.time_deltas(p_support boolean, n int) returns setof double precision
      language plpgsql as $$
      declare
        v_at timestamptz;
        v_cursor bigint := private.visible_cursor(true);
      begin
        for i in 1 .. n loop
          v_at := clock_timestamp();
          perform private.send_dashboard_deltas(v_cursor - 1, v_cursor - 1, v_cursor, 1, case when p_support then 1 else 0 end, p_support);
          return next extract(epoch from clock_timestamp() - v_at) * 1000;
        end loop;
      end $$`);
    console.log('\nbuilding and sending the deltas at commit (server time, 200 calls)   median     p95');
    for (const [label, support] of [['admin only (an order)', false], ['admin + support with ticket aging', true]] as const) {
      const { rows } = await c.query<{ p50: number; p95: number }>(
        `select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.95) within group (order by ms) as p95
           from pg_temp.time_deltas($1, 200) ms`,
        [support],
      );
      console.log(`${label.padEnd(66)} ${rows[0]!.p50.toFixed(2).padStart(6)} ms ${rows[0]!.p95.toFixed(2).padStart(6)} ms`);
    }
  } finally {
    await c.query('rollback');
    await c.end();
  }
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
  const seconds = Number(secondsArg ?? 4);
  const writers = Number(writersArg ?? 8);
  const jsonAt = process.argv.indexOf('--json');
  const only = process.argv.includes('--delta-only') ? 'the delta' : null;
  const results: {
    scenario: string; change: string; writers: number; before: number; after: number; cpuBefore: number; cpuAfter: number;
  }[] = [];
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const fn of ['private.flush_activity()', 'private.apply_sales_hourly()']) {
    const { rows } = await c.query<{ def: string }>('select pg_get_functiondef($1::regprocedure) as def', [fn]);
    withDelta.push(rows[0]?.def ?? '');
  }
  await c.end();
  withDelta.push(...DELTA_TRIGGERS.map((t) => toggle(t, 'enable')));
  console.log(`\nwrite throughput: ${ROUNDS} x ${seconds} s before and after, alternating`);
  const rate = (xs: RunResult[]) => xs.reduce((sum, x) => sum + x.perSecond, 0) / xs.length;
  const cpu = (xs: RunResult[]) =>
    xs.every((x) => x.cpuMsPerCommit !== null) ? xs.reduce((sum, x) => sum + (x.cpuMsPerCommit ?? 0), 0) / xs.length : NaN;
  const pct = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(0)} %`;
  let section = '';
  // Before and after alternate, ROUNDS times each, so a change in the machine's load hits both alike.
  // The counters: `writers` writers. The delta: 1 writer and `writers` writers, without the delta
  // ("before"), with it, and the ratio (issue 16's goal: with >= 80 % of without).
  for (const s of scenarios.filter((x) => only === null || x.change === only)) {
    const delta = s.change === 'the delta';
    if (s.change !== section) {
      section = s.change;
      console.log(`\nbefore and after ${section}`);
      if (delta) {
        console.log(`${''.padEnd(26)} ${''.padStart(7)}  ${'commits/s'.padStart(26)}   ${'server CPU ms/commit'.padStart(16)}`);
        console.log(
          `${'transaction'.padEnd(26)} ${'writers'.padStart(7)}  ${'without'.padStart(8)} ${'with'.padStart(8)} ${'ratio'.padStart(8)}   ${'without'.padStart(7)} ${'with'.padStart(7)}`,
        );
      } else {
        console.log(`${''.padEnd(26)} ${'commits/s'.padStart(25)}   ${'server CPU ms/commit'.padStart(23)}`);
        console.log(
          `${'transaction'.padEnd(26)} ${'before'.padStart(8)} ${'after'.padStart(8)} ${'change'.padStart(7)}   ${'before'.padStart(7)} ${'after'.padStart(7)} ${'change'.padStart(7)}`,
        );
      }
    }
    for (const n of delta ? [...new Set([1, writers])] : [writers]) {
      const before: RunResult[] = [];
      const after: RunResult[] = [];
      for (let r = 0; r < ROUNDS; r += 1) {
        await exec(url, s.before);
        before.push(await run(url, s, n, seconds));
        await exec(url, s.after);
        after.push(await run(url, s, n, seconds));
      }
      const row = {
        scenario: s.name, change: s.change, writers: n, before: rate(before), after: rate(after),
        cpuBefore: cpu(before), cpuAfter: cpu(after),
      };
      results.push(row);
      if (delta) {
        console.log(
          `${s.name.padEnd(26)} ${String(n).padStart(7)}  ${row.before.toFixed(0).padStart(8)} ${row.after.toFixed(0).padStart(8)} ` +
            `${`${((row.after / row.before) * 100).toFixed(0)} %`.padStart(8)}   ${row.cpuBefore.toFixed(2).padStart(7)} ${row.cpuAfter.toFixed(2).padStart(7)}`,
        );
      } else {
        console.log(
          `${s.name.padEnd(26)} ${row.before.toFixed(0).padStart(8)} ${row.after.toFixed(0).padStart(8)} ${pct(row.before, row.after).padStart(7)}` +
            `   ${row.cpuBefore.toFixed(2).padStart(7)} ${row.cpuAfter.toFixed(2).padStart(7)} ${pct(row.cpuBefore, row.cpuAfter).padStart(7)}`,
        );
      }
    }
  }
  await deltaBuildTime(url);
  if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1] ?? '', JSON.stringify(results, null, 2));
}

await main();

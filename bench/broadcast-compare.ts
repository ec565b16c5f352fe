// Side by side: the live engine in postgres_changes mode, in broadcast mode, and the naive baseline
// (postgres_changes on the four tables, every RPC re-read on every event), in one run on the local
// stack, at 1, 20 and 100 simulated dashboards (issue 12, part 4).
// Usage: npm run bench:broadcast [-- --quick] [-- --one-user] [-- --counts 1,20] [-- --modes naive,postgres_changes,broadcast]   (DATABASE_URL=postgres://<fresh db> for PostgreSQL)
//
// The stack runs in a child process (bench/broadcast/stack-child.ts), so its CPU and its database
// queries are its own; the dashboards run here, each with its own supabase-js client and socket,
// each signed in as its own staff user (admin role; --one-user: all as admin@example.com).
// Before measuring, a fill is written through the triggers (tickets, half of them then closed by
// one bulk update). Writes are mixed (customers, products, tickets, orders with their items, status
// and stock changes), one PostgREST request = one transaction = one change (bench/broadcast/writer.ts).
// Per mode and dashboard count:
//   steady — 2 changes/s: database queries, dashboards' RPC calls, stack CPU per change (net of
//            the idle rate measured just before with the same dashboards open), commit → store
//            p50/p95 (writer's response → the dashboard store first showing the activity row);
//   ramp   — 25, 50, 100, 200, 400 changes/s for a few seconds each. A step lost nothing when
//            the writes had no errors, every dashboard's store showed every activity row (none
//            skipped), and within the settle time every dashboard's KPIs, feed, revenue and ticket
//            counts equal a fresh dashboard_sync. The ramp stops at the first step that lost
//            something, or when the writer could not drive a step to 90 % of its rate and got no
//            further than before or under half of it (the stack is saturated: writes wait behind
//            the dashboards' work). The table gives the highest rate achieved by a step that lost nothing, and
//            why the ramp stopped.
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { createSupabaseClient, type AppSupabaseClient } from '../src/lib/supabase.ts';
import { differs, readTruth } from './broadcast/checks.ts';
import { engineHasBroadcast, NAIVE_FEED_LIMIT, openEngineDashboard, openNaiveDashboard, RpcCounter, type Dashboard, type Mode } from './broadcast/dashboards.ts';
import { startStackProcess, type StackProcess, type StackStats } from './broadcast/stack-process.ts';

const quick = process.argv.includes('--quick');
const oneUser = process.argv.includes('--one-user');
const countsArg = process.argv.indexOf('--counts');
/** --counts 1,20 runs only those dashboard counts */
const COUNTS = countsArg >= 0 ? process.argv[countsArg + 1]!.split(',').map(Number) : [1, 20, 100];
const FILL = quick ? 2_000 : 20_000;
const STEADY_RATE = 2;
const STEADY_MS = quick ? 5_000 : 10_000;
const RAMP = quick ? [50, 200, 400] : [25, 50, 100, 200, 400];
const STEP_MS = quick ? 2_000 : 3_000;
const SETTLE_MS = quick ? 5_000 : 8_000;
const IDLE_MS = 2_000;
const PASSWORD = 'password123';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(Math.abs(x) < 10 ? 1 : 0)} ms` : 'n/a');
const num = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

interface Rates {
  queriesPerMs: number;
  emptyPollsPerMs: number;
  cpuMicrosPerMs: number;
}

interface Phase {
  target: number;
  achieved: number;
  changes: number;
  writeErrors: number;
  firstError: string | null;
  queriesPerChange: number;
  rpcPerChange: number;
  cpuMsPerChange: number;
  benchCpuMsPerChange: number;
  /** the bench process (the dashboards) busy, share of one core */
  benchBusy: number;
  p50: number;
  p95: number;
  samples: number;
  /** activity rows some dashboard's store never showed (summed over dashboards) */
  missed: number;
  /** dashboards that skipped at least one row */
  missedBy: number;
  /** engine counters over the phase, summed over dashboards */
  syncs: number;
  events: number;
  dropped: number;
  /** dashboards not equal to the database when the settle time ran out */
  wrong: number;
  firstWrong: string | null;
  /** last write's response → every dashboard equal to the database */
  convergeMs: number;
  /** no write errors, no row skipped, every dashboard equal to the database */
  lostNothing: boolean;
  /** lost nothing and the writer reached 90 % of the target */
  pass: boolean;
}

interface Ctx {
  stack: StackProcess;
  checker: AppSupabaseClient;
  /** stack cost of one readTruth call, subtracted from the phases */
  truthCost: StackStats;
}

function minus(a: StackStats, b: StackStats): StackStats {
  return { queries: a.queries - b.queries, emptyPolls: a.emptyPolls - b.emptyPolls, cpuMicros: a.cpuMicros - b.cpuMicros };
}

async function maxActivityId(stack: StackProcess): Promise<number> {
  const [r] = await stack.sql<{ id: string | number | null }>('select max(id) as id from public.activity_log');
  return Number(r?.id ?? 0);
}

/** The stack's background rate (realtime polls, heartbeats, timers) with these dashboards open and no writes. */
async function idleRates(stack: StackProcess): Promise<Rates> {
  const s0 = await stack.stats();
  const t0 = performance.now();
  await sleep(IDLE_MS);
  const d = minus(await stack.stats(), s0);
  const el = performance.now() - t0;
  return { queriesPerMs: d.queries / el, emptyPollsPerMs: d.emptyPolls / el, cpuMicrosPerMs: d.cpuMicros / el };
}

/** Waits until the stack's query rate falls back to its polling floor (a previous mode's backlog drained). */
async function quiet(stack: StackProcess, maxMs = 30_000) {
  const t0 = Date.now();
  let calm = 0;
  let prev = await stack.stats();
  while (Date.now() - t0 < maxMs && calm < 3) {
    await sleep(300);
    const s = await stack.stats();
    calm = s.queries - prev.queries <= 4 ? calm + 1 : 0;
    prev = s;
  }
}

async function phase(ctx: Ctx, dashboards: Dashboard[], counter: RpcCounter, idle: Rates, rate: number, durationMs: number): Promise<Phase> {
  const { stack } = ctx;
  const cursor0 = await maxActivityId(stack);
  const s0 = await stack.stats();
  const rpc0 = counter.total;
  const c0 = dashboards.map((d) => d.counters());
  const bench0 = process.cpuUsage();
  const t0 = performance.now();
  const run = await stack.write(rate, durationMs);
  // the writer's clock is wall time; this process's marks are performance.now()
  const writes = run.writes.map((w) => ({ keys: w.keys, at: w.at - performance.timeOrigin }));
  const lastWrite = Math.max(t0, ...writes.map((w) => w.at));
  const truth = await readTruth(ctx.checker);
  const feedRows = dashboards[0]?.mode === 'naive' ? NAIVE_FEED_LIMIT : 100;
  let wrong: Dashboard[] = dashboards;
  let firstWrong: string | null = null;
  const deadline = performance.now() + SETTLE_MS;
  for (;;) {
    wrong = wrong.filter((d) => !d.idle() || differs(d.view(), truth, feedRows) !== null);
    if (wrong.length === 0 || performance.now() > deadline) break;
    await sleep(10);
  }
  const settled = performance.now();
  if (wrong[0]) firstWrong = differs(wrong[0].view(), truth, feedRows) ?? 'still busy';
  const s1 = await stack.stats();
  const bench = process.cpuUsage(bench0);
  const elapsed = performance.now() - t0;
  const changes = writes.length;
  const d = minus(minus(s1, s0), ctx.truthCost);

  // which activity row each write caused, then when each dashboard showed it
  const rows = await stack.sql<{ id: string | number; kind: string; entity_id: string }>('select id, kind, entity_id from public.activity_log where id > $1', [cursor0]);
  const idOf = new Map(rows.map((r) => [`${r.kind}:${r.entity_id}`, Number(r.id)]));
  const lat: number[] = [];
  for (const w of writes) {
    for (const key of w.keys) {
      const id = idOf.get(key);
      if (id === undefined) continue;
      for (const db of dashboards) {
        const at = db.seen.get(id);
        if (at !== undefined) lat.push(at - w.at);
      }
    }
  }
  let missed = 0;
  let missedBy = 0;
  for (const db of dashboards) {
    const before = missed;
    for (const r of rows) if (!db.seen.has(Number(r.id))) missed++;
    if (missed > before) missedBy++;
  }
  const c1 = dashboards.map((d) => d.counters());
  const sum = (k: 'syncs' | 'events' | 'dropped') => c1.reduce((t, c, i) => t + c[k] - c0[i]![k], 0);

  const achieved = (changes / Math.max(durationMs, lastWrite - t0)) * 1000;
  const p: Phase = {
    target: rate,
    achieved,
    changes,
    writeErrors: run.errors,
    firstError: run.firstError,
    // empty drain polls are not counted, so the idle floor needs no subtraction here
    queriesPerChange: d.queries / changes,
    rpcPerChange: (counter.total - rpc0) / changes,
    cpuMsPerChange: (d.cpuMicros - idle.cpuMicrosPerMs * elapsed) / 1000 / changes,
    benchCpuMsPerChange: (bench.user + bench.system) / 1000 / changes,
    benchBusy: (bench.user + bench.system) / 1000 / elapsed,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    samples: lat.length,
    missed,
    missedBy,
    syncs: sum('syncs'),
    events: sum('events'),
    dropped: sum('dropped'),
    wrong: wrong.length,
    firstWrong,
    convergeMs: wrong.length ? NaN : settled - lastWrite,
    lostNothing: false,
    pass: false,
  };
  p.lostNothing = run.errors === 0 && missed === 0 && wrong.length === 0;
  p.pass = p.lostNothing && achieved >= 0.9 * rate;
  return p;
}

async function openDashboards(ctx: Ctx, mode: Mode, n: number, counter: RpcCounter, emails: string[]): Promise<Dashboard[]> {
  const target = { url: ctx.stack.url, anonKey: ctx.stack.anonKey, counter };
  const out: Dashboard[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = emails.slice(i, Math.min(n, i + 10));
    out.push(
      ...(await Promise.all(
        batch.map((email) => (mode === 'naive' ? openNaiveDashboard(target, email, PASSWORD) : openEngineDashboard(target, email, PASSWORD, mode))),
      )),
    );
  }
  return out;
}

interface Result {
  mode: Mode | 'writes';
  n: number;
  idle: Rates;
  steady: Phase;
  ramp: Phase[];
}

const MODE_LABEL: Record<Mode | 'writes', string> = { writes: 'writes alone (no dashboards)', naive: 'naive baseline', postgres_changes: 'engine, postgres_changes', broadcast: 'engine, broadcast' };

/** `judged`: a ramp step (pass/fail); the steady phase only says whether the dashboards settled. */
function phaseLine(label: string, p: Phase, judged = true): string {
  const detail = [p.firstError ? `first write error: ${p.firstError}` : '', p.firstWrong ? `first wrong: ${p.firstWrong}` : ''].filter(Boolean).join('; ');
  const verdict = !judged
    ? p.wrong ? `${p.wrong} dashboards NOT settled after ${SETTLE_MS / 1000} s` : 'all settled'
    : p.pass ? 'pass' : `STOP: ${stopReason(p)}`;
  const tail = detail ? ` (${detail})` : '';
  return `  ${label}: ${p.changes} changes (${p.achieved.toFixed(0)}/s), ${num(p.queriesPerChange)} queries, ${num(p.rpcPerChange, 2)} RPCs, ${num(p.cpuMsPerChange, 2)} ms stack CPU per change; commit → store p50 ${ms(p.p50)} / p95 ${ms(p.p95)} (${p.samples}); settled ${ms(p.convergeMs)} after the last write; bench process ${(p.benchBusy * 100).toFixed(0)} % of a core; engines: ${p.syncs} syncs, ${p.events} pushes, ${p.dropped} dropped; ${verdict}${tail}`;
}

async function runMode(ctx: Ctx, mode: Mode, n: number, emails: string[]): Promise<Result> {
  const counter = new RpcCounter();
  const t = Date.now();
  const dashboards = await openDashboards(ctx, mode, n, counter, emails);
  console.log(`${MODE_LABEL[mode]} × ${n}: open and live in ${((Date.now() - t) / 1000).toFixed(1)} s (load ${load()})`);
  try {
    await sleep(1000);
    const idle = await idleRates(ctx.stack);
    const steady = await phase(ctx, dashboards, counter, idle, STEADY_RATE, STEADY_MS);
    console.log(`  idle: ${num(idle.queriesPerMs * 1000)} queries/s (+ ${num(idle.emptyPollsPerMs * 1000)} empty drain polls/s), ${num(idle.cpuMicrosPerMs / 10, 1)} % of a core`);
    console.log(phaseLine(`steady ${STEADY_RATE}/s`, steady, false));
    const ramp: Phase[] = [];
    if (steady.wrong > 0) console.log(`  ramp skipped: the dashboards did not even settle at ${STEADY_RATE}/s`);
    else for (const rate of RAMP) {
      const best = Math.max(0, ...ramp.map((q) => q.achieved));
      const p = await phase(ctx, dashboards, counter, idle, rate, STEP_MS);
      ramp.push(p);
      console.log(phaseLine(`${rate}/s`, p));
      // stop at a loss, or when the writer no longer gets further or got less than half the
      // rate (a blip of machine load on one step does not end the ramp while it still grows)
      if (!p.lostNothing || (!p.pass && (p.achieved <= best * 1.05 || p.achieved < 0.5 * rate))) break;
    }
    return { mode, n, idle, steady, ramp };
  } finally {
    await Promise.all(dashboards.map((d) => d.close()));
    await quiet(ctx.stack);
  }
}

async function createStaff(stack: StackProcess, n: number): Promise<string[]> {
  if (oneUser) return Array.from({ length: n }, () => 'admin@example.com');
  await stack.sql(
    `with src as (select encrypted_password from auth.users where email = 'admin@example.com'),
          u as (
            insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                                    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
                                    confirmation_token, recovery_token, email_change_token_new, email_change)
            select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
                   'bench-staff-' || i || '@example.com', src.encrypted_password, now(),
                   '{"provider":"email","providers":["email"]}', jsonb_build_object('display_name', 'Bench Staff ' || i),
                   now(), now(), '', '', '', ''
              from generate_series(1, $1::int) i, src
            returning id, email)
     insert into public.profiles (id, display_name, role) select id, 'Bench ' || email, 'admin' from u`,
    [n],
  );
  await stack.sql(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true), 'email', now(), now(), now()
       from auth.users u where u.email like 'bench-staff-%@example.com'`,
  );
  return Array.from({ length: n }, (_, i) => `bench-staff-${i + 1}@example.com`);
}

async function fill(stack: StackProcess) {
  const t = performance.now();
  const [c] = await stack.sql<{ id: string }>('select id from public.customers order by created_at limit 1');
  await stack.sql(
    `insert into public.tickets (customer_id, device, issue, priority)
     select $1, 'Fill ' || i, 'Fill', (array['low','normal','normal','normal','high','urgent'])[1 + i % 6]
       from generate_series(1, $2::int) i`,
    [c!.id, FILL],
  );
  await stack.sql(`update public.tickets set status = 'closed' where issue = 'Fill' and device ~ '[02468]$'`);
  console.log(`fill: ${FILL} tickets through the triggers, half closed by one bulk update (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

function highest(r: Result): string {
  if (r.mode === 'writes') return `writer capacity ${Math.max(...r.ramp.map((p) => p.achieved)).toFixed(0)}/s`;
  const ok = r.ramp.filter((p) => p.lostNothing);
  const best = ok.reduce<Phase | null>((b, p) => (!b || p.achieved > b.achieved ? p : b), null);
  const last = r.ramp.at(-1);
  const stop = last && !last.pass ? last : null;
  const why = !stop ? 'every step passed' : stopReason(stop);
  if (!best) return stop ? `none (${why})` : `none (not settled at ${STEADY_RATE}/s)`;
  return stop ? `${best.achieved.toFixed(0)}/s (ramp stopped: ${why})` : `${best.achieved.toFixed(0)}/s (${why})`;
}

function stopReason(p: Phase): string {
  if (!p.lostNothing) {
    const what = [p.writeErrors ? `${p.writeErrors} write errors` : '', p.missed ? `${p.missed} rows never shown (${p.missedBy} dashboards)` : '', p.wrong ? `${p.wrong} dashboards wrong` : ''].filter(Boolean).join(', ');
    return `${p.target}/s lost: ${what}`;
  }
  return `${p.target}/s saturated: writes reached ${p.achieved.toFixed(0)}/s`;
}

function printTables(results: Result[]) {
  console.log(`\n### per change at ${STEADY_RATE} changes/s, and the highest rate delivered with nothing lost\n`);
  console.log("| client | dashboards | DB queries / change | RPC calls / change | stack CPU / change | dashboards' CPU / change (bench process) | commit → store p50 / p95 | highest rate, nothing lost |");
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const s = r.steady;
    const bench = r.n ? `${num(s.benchCpuMsPerChange, 2)} ms` : '—';
    console.log(`| ${MODE_LABEL[r.mode]} | ${r.n} | ${num(s.queriesPerChange)} | ${num(s.rpcPerChange, 2)} | ${num(s.cpuMsPerChange, 2)} ms | ${bench} | ${ms(s.p50)} / ${ms(s.p95)} | ${highest(r)} |`);
  }
  console.log('\n### ramp, each step\n');
  console.log('| client | dashboards | target → achieved | DB queries / change | RPC calls / change | stack CPU / change | p50 / p95 | settled after last write | result |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    for (const p of r.ramp) {
      const why = p.pass ? 'pass' : stopReason(p);
      console.log(`| ${MODE_LABEL[r.mode]} | ${r.n} | ${p.target} → ${p.achieved.toFixed(0)}/s | ${num(p.queriesPerChange)} | ${num(p.rpcPerChange, 2)} | ${num(p.cpuMsPerChange, 2)} ms | ${ms(p.p50)} / ${ms(p.p95)} | ${ms(p.convergeMs)} | ${why} |`);
    }
  }
}

async function main() {
  const started = Date.now();
  console.log(`bench:broadcast${quick ? ' --quick' : ''}${oneUser ? ' --one-user' : ''}: load average at start ${load()} (1 / 5 / 15 min)`);
  const stack = await startStackProcess();
  try {
    const checker = createSupabaseClient(stack.url, stack.anonKey, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: WebSocket as never } });
    const { error } = await checker.auth.signInWithPassword({ email: 'admin@example.com', password: PASSWORD });
    if (error) throw new Error(error.message);
    const emails = await createStaff(stack, Math.max(...COUNTS));
    await fill(stack);
    const modesArg = process.argv.indexOf('--modes');
    const modes: Mode[] = modesArg >= 0 ? (process.argv[modesArg + 1]!.split(',') as Mode[]) : ['naive', 'postgres_changes', 'broadcast'];
    if (!engineHasBroadcast() && modes.includes('broadcast')) {
      modes.splice(modes.indexOf('broadcast'), 1);
      console.log('broadcast mode: NOT MEASURED (this checkout\'s engine has no `transport` option)');
    }
    console.log(`stack: ${stack.kind}, pid ${stack.pid}; ${oneUser ? 'every dashboard signed in as admin@example.com' : 'one staff user (admin) per dashboard'}`);

    // warm-up (JIT, caches, the writer's statements), not measured
    await stack.write(50, 1_500);
    for (let i = 0; i < 3; i++) await readTruth(checker);
    await quiet(stack);
    const t0 = await stack.stats();
    for (let i = 0; i < 3; i++) await readTruth(checker);
    const t1 = await stack.stats();
    const truthCost = minus(t1, t0);
    const ctx: Ctx = { stack, checker, truthCost: { queries: truthCost.queries / 3, emptyPolls: truthCost.emptyPolls / 3, cpuMicros: truthCost.cpuMicros / 3 } };

    const idle0 = await idleRates(stack);
    const base = await phase(ctx, [], new RpcCounter(), idle0, STEADY_RATE, STEADY_MS);
    console.log('writes alone, no dashboards:');
    console.log(phaseLine(`steady ${STEADY_RATE}/s`, base, false));
    const baseRamp: Phase[] = [];
    for (const rate of RAMP) {
      baseRamp.push(await phase(ctx, [], new RpcCounter(), idle0, rate, STEP_MS));
      console.log(phaseLine(`${rate}/s`, baseRamp.at(-1)!));
    }

    const results: Result[] = [];
    for (const n of COUNTS) for (const mode of modes) results.push(await runMode(ctx, mode, n, emails));
    printTables([{ mode: 'writes', n: 0, idle: idle0, steady: base, ramp: baseRamp }, ...results]);
    console.log(`\n${stack.kind}, loopback; stack CPU = the stack's process (PostgREST, Auth, Realtime, ${stack.kind === 'pglite' ? 'and PGlite in its worker thread' : 'and the PostgreSQL backends serving it, read from /proc'}); load average at end ${load()}; ${((Date.now() - started) / 60_000).toFixed(1)} min`);
    await checker.auth.signOut().catch(() => undefined);
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

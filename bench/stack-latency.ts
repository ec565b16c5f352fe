// Local stack under load: does it keep answering, and what does one change or one join cost?
// Usage: npm run bench:stack [-- --root <checkout>] [-- --quick]
//   --root runs the same scenarios against another checkout of this repository (e.g. one made with
//   `git archive <commit> | tar -x -C /tmp/before` plus a node_modules symlink) for before/after.
// Phases (PGlite in memory, no simulator), with a separate probe process timing GET /health and
// GET /auth/v1/settings back to back the whole time (so the probe is not slowed by this process):
//   idle · join storm (one socket, 50 joins x 100 bindings) · 1,000-change burst while those
//   subscriptions live · a slow query (select pg_sleep(2)).
// Then the per-change cost at 1, 20 and 100 subscribers with distinct claims (one RLS group each):
// commit-to-socket latency, main-thread time and database queries per change.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { Stack, StackOptions } from '../local-supabase/stack.ts';

const { values } = parseArgs({ options: { root: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const root = resolve(values.root ?? new URL('..', import.meta.url).pathname);
const quick = values.quick;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : 'n/a');

/** Waits up to timeoutMs; false when it did not happen (a phase of an older checkout may never finish). */
async function settle(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) return false;
    await sleep(5);
  }
  return true;
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await sleep(2);
  }
}

// The probe: another process, so its timings are the stack's, not this process's.
const PROBE = `
const [url, key] = process.argv.slice(1);
let stop = false;
process.stdin.on('data', () => { stop = true; });
(async () => {
  while (!stop) {
    for (const path of ['/health', '/auth/v1/settings']) {
      const t = Date.now();
      try { const r = await fetch(url + path, { headers: { apikey: key } }); await r.arrayBuffer(); process.stdout.write(t + ',' + path + ',' + (Date.now() - t) + ',' + r.status + '\\n'); }
      catch { process.stdout.write(t + ',' + path + ',-1,0\\n'); }
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  process.exit(0);
})();`;

interface Sample {
  at: number;
  path: string;
  ms: number;
  status: number;
}

function startProbe(url: string, key: string) {
  const child = spawn(process.execPath, ['-e', PROBE, url, key], { stdio: ['pipe', 'pipe', 'inherit'] });
  const samples: Sample[] = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      const [at, path, t, status] = l.split(',');
      samples.push({ at: Number(at), path: path!, ms: Number(t), status: Number(status) });
    }
  });
  return {
    samples,
    async stop() {
      child.stdin.write('x');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Requests that STARTED in [from, to], plus any still outstanding at `to` counted as lasting until then. */
function window(samples: Sample[], from: number, to: number, path: string) {
  const inside = samples.filter((s) => s.path === path && s.at >= from && s.at <= to);
  const errors = inside.filter((s) => s.status !== 200).length;
  return { n: inside.length, p50: pct(inside.map((s) => s.ms), 50), p99: pct(inside.map((s) => s.ms), 99), max: Math.max(...inside.map((s) => s.ms)), errors };
}

/** A bare vsn 2.0.0 socket: replies, system messages and change receive times by record key. */
class Sock {
  readonly replies = new Map<string, string>();
  subscribed = 0;
  readonly got = new Map<string, number>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const f = JSON.parse(data.toString()) as [string | null, string | null, string, string, Record<string, unknown>];
      if (f[3] === 'phx_reply' && f[1]) this.replies.set(f[1], (f[4] as { status: string }).status);
      else if (f[3] === 'system' && (f[4] as { message?: string }).message === 'Subscribed to PostgreSQL') this.subscribed++;
      else if (f[3] === 'postgres_changes') {
        const rec = ((f[4] as { data: { record?: Record<string, unknown> } }).data.record ?? {}) as { issue?: string; full_name?: string };
        this.got.set(String(rec.issue ?? rec.full_name), Date.now());
      }
    });
  }
  static async open(url: string, key: string): Promise<Sock> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${key}&vsn=2.0.0`);
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
    });
    return new Sock(ws);
  }
  join(topic: string, ref: string, token: string, bindings: object[]): void {
    this.ws.send(JSON.stringify([ref, ref, `realtime:${topic}`, 'phx_join', { access_token: token, config: { postgres_changes: bindings } }]));
  }
}

async function main() {
  const { startStack } = (await import(pathToFileURL(`${root}/local-supabase/stack.ts`).href)) as {
    startStack: (o: StackOptions) => Promise<Stack>;
  };
  const { Drainer } = (await import(pathToFileURL(`${root}/local-supabase/realtime/drainer.ts`).href)) as {
    Drainer: { prototype: { drainOnce(): Promise<number> } };
  };
  // Wall time inside the drainer (reading changes, filters, RLS, fan-out), per batch.
  let drainMs = 0;
  const origDrain = Drainer.prototype.drainOnce;
  Drainer.prototype.drainOnce = async function (this: unknown) {
    const t = performance.now();
    try {
      return await origDrain.call(this);
    } finally {
      drainMs += performance.now() - t;
    }
  };

  const stack = await startStack({ port: 0, memory: true, realtimeLimits: { joinErrorDelayMs: 0 } });
  // Count every query the stack sends (the drainer and realtime hold this same object).
  let queries = 0;
  const origQuery = stack.db.query.bind(stack.db);
  (stack.db as { query: unknown }).query = (sql: string, params?: unknown[]) => {
    queries++;
    return origQuery(sql, params);
  };
  const key = stack.keys.anonKey;
  const { rows: admin } = await stack.db.query<{ id: string }>(`select id from auth.users where email = 'admin@example.com'`);
  const token = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return stack.keys.sign({ aud: 'authenticated', role: 'authenticated', sub: admin[0]!.id, email: 'admin@example.com', iat: now, exp: now + 3600, session_id: randomUUID(), ...extra });
  };
  const { rows: cust } = await stack.db.query<{ id: string }>('select id from customers limit 1');
  const customer = cust[0]!.id;

  console.log(`stack under load (${values.root ? `checkout ${root}` : 'this checkout'}; ${stack.db.kind})`);
  const probe = startProbe(stack.url, key);
  await sleep(300);
  const phases: { name: string; from: number; to: number; note: string }[] = [];

  // 1. idle
  let t0 = Date.now();
  await sleep(1500);
  phases.push({ name: 'idle', from: t0, to: Date.now(), note: '' });

  // 2. join storm: 50 joins x 100 bindings on one socket.
  const storm = await Sock.open(stack.url, key);
  const stormToken = await token();
  const q0 = queries;
  t0 = Date.now();
  for (let j = 0; j < 50; j++) {
    const bindings = Array.from({ length: 100 }, (_, i) => ({
      event: i % 2 ? 'INSERT' : '*',
      schema: 'public',
      table: i % 3 ? 'customers' : 'tickets',
      filter: i % 3 ? `full_name=eq.storm-${j}-${i}` : 'status=in.(open,in_progress)',
    }));
    storm.join(`storm${j}`, `s${j}`, stormToken, bindings);
  }
  const stormDone = await settle(() => storm.subscribed >= 50, 60_000);
  phases.push({
    name: 'join storm (50 x 100 bindings)',
    from: t0,
    to: Date.now(),
    note: `${stormDone ? 'all' : `only ${storm.subscribed}`} subscribed in ${Date.now() - t0} ms, ${(((queries - q0) / Math.max(1, storm.subscribed))).toFixed(1)} queries per join`,
  });

  // 3. 1,000-change burst while the storm's 5,000 bindings live; one well-behaved subscriber times delivery.
  const good = await Sock.open(stack.url, key);
  good.join('good', 'g', await token({ bench: 'good' }), [{ event: 'INSERT', schema: 'public', table: 'customers' }]);
  await waitFor(() => good.subscribed >= 1, 30_000, 'the good subscriber');
  t0 = Date.now();
  const tag = `burst-${Date.now()}`;
  for (let b = 0; b < 10; b++) {
    await stack.db.query(
      `insert into customers (full_name, email) select $1 || '-' || g, $1 || '-' || g || '@bench.example' from generate_series($2::int, $2::int + 99) g`,
      [tag, b * 100],
    );
  }
  const committed = Date.now();
  const burstDone = await settle(() => good.got.size >= 1000, 60_000);
  phases.push({
    name: '1,000-change burst (storm subscribed)',
    from: t0,
    to: Date.now(),
    note: `committed in ${committed - t0} ms, ${burstDone ? 'last delivery' : `NOT delivered (${good.got.size}/1000)`} ${Date.now() - committed} ms after the last commit`,
  });
  storm.ws.terminate();
  good.ws.terminate();
  await sleep(300);

  // 4. slow query
  t0 = Date.now();
  await stack.db.query('select pg_sleep(2)');
  phases.push({ name: 'slow query (pg_sleep(2))', from: t0, to: Date.now(), note: '' });

  await probe.stop();
  console.log('\n| phase | /health p50 / p99 / max | /auth/v1/settings p50 / p99 / max | requests (non-200) | note |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const p of phases) {
    const h = window(probe.samples, p.from, p.to, '/health');
    const s = window(probe.samples, p.from, p.to, '/auth/v1/settings');
    console.log(`| ${p.name} | ${ms(h.p50)} / ${ms(h.p99)} / ${ms(h.max)} | ${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)} | ${h.n + s.n} (${h.errors + s.errors}) | ${p.note} |`);
  }

  // 5. per-change cost with distinct claims.
  console.log('\n| subscribers (distinct claims) | commit→socket p50 / p99 | main thread per change | drainer wall per change | queries per change |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const n of quick ? [1, 20] : [1, 20, 100]) {
    const socks: Sock[] = [];
    for (let i = 0; i < n; i++) {
      const s = await Sock.open(stack.url, key);
      s.join(`cost${n}-${i}`, 'c', await token({ bench_client: i }), [{ event: 'INSERT', schema: 'public', table: 'tickets' }]);
      socks.push(s);
    }
    await waitFor(() => socks.every((s) => s.subscribed >= 1), 60_000, `${n} subscribers`);
    await sleep(300);
    const samples = quick ? 10 : 30;
    const lat: number[] = [];
    const elu0 = performance.eventLoopUtilization();
    const qStart = queries;
    const dStart = drainMs;
    for (let i = 0; i < samples; i++) {
      const issue = `cost-${n}-${i}-${Date.now()}`;
      const t = Date.now();
      await stack.db.query(`insert into tickets (customer_id, device, issue) values ($1, 'Bench', $2)`, [customer, issue]);
      await waitFor(() => socks.every((s) => s.got.has(issue)), 30_000, `change ${issue}`);
      lat.push(...socks.map((s) => s.got.get(issue)! - t));
      await sleep(20);
    }
    const elu = performance.eventLoopUtilization(elu0);
    const perChangeMain = elu.active / samples;
    const perChangeQueries = (queries - qStart - samples) / samples;
    console.log(`| ${n} | ${ms(pct(lat, 50))} / ${ms(pct(lat, 99))} | ${ms(perChangeMain)} | ${ms((drainMs - dStart) / samples)} | ${perChangeQueries.toFixed(1)} |`);
    for (const s of socks) s.ws.terminate();
    await sleep(300);
  }
  console.log('\n(main thread per change includes this process\'s raw sockets decoding their frames and the idle drain polls; queries exclude the insert itself)');
  await stack.close();
}

await main();
process.exit(0);

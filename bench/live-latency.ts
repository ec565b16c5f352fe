// Live engine benchmark: commit-to-screen delay through the real engine, the real supabase-js and
// the real local stack on loopback.
// Usage: npm run bench:live-latency [-- --quick]   (DATABASE_URL=postgres://... to run on PostgreSQL)
//
// "Screen" is the dashboard store the React components render from (it is updated once per
// animation frame; in Node a 16 ms timer stands in for the frame). Writes go through PostgREST
// with the service role, one HTTP request per write, as an app or an import would make them:
//   single write  — one ticket insert; done when New Tickets 24 h and the feed both show it;
//   3-request order — insert the order, insert its items, set it paid (the total); measured from
//                    the LAST request's response; done when Total Revenue includes it.
// Each scenario runs quiet and again under a background stream of other changes.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { liveApi } from '../src/app/live-api.ts';
import { createSupabaseClient } from '../src/lib/supabase.ts';
import { createLiveEngine } from '../src/live/engine.ts';
import { transportFor } from '../src/live/transport/transport-for.ts';
import { createConnectionStore } from '../src/live/stores/connection-store.ts';
import { createDashboardStore } from '../src/live/stores/dashboard-store.ts';
import { createSessionStore } from '../src/live/stores/session-store.ts';
import { startStack, type Stack } from '../local-supabase/stack.ts';

const quick = process.argv.includes('--quick');
const fillArg = process.argv.indexOf('--fill');
/** tickets written through the triggers before measuring, half of them then closed by one bulk update */
const FILL = fillArg >= 0 ? Number(process.argv[fillArg + 1]) : quick ? 2_000 : 20_000;
// BENCH_TRACE=1 prints each sample's timeline (writes, pushes, syncs, store updates)
let traceT0 = 0;
const trace = (what: string) => {
  if (process.env.BENCH_TRACE) console.log(`    ${(performance.now() - traceT0).toFixed(1).padStart(7)} ms  ${what}`);
};
// ordinary writes: far enough apart that the token bucket (4, then 3/s) is full again; the
// background stream is what drives the engine to its rate limit
const GAP_MS = 1_500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

function must<T>(r: { data: T | null; error: { message: string } | null }): T {
  if (r.error) throw new Error(r.error.message);
  return r.data as T;
}

type Stores = { dashboard: ReturnType<typeof createDashboardStore>; connection: ReturnType<typeof createConnectionStore>; session: ReturnType<typeof createSessionStore> };

/** Resolves with the time the store first satisfies `cond` (checked on every store notification). */
function whenStore(stores: Stores, cond: () => boolean, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve(performance.now());
    const timer = setTimeout(() => {
      unsub();
      reject(new Error('the change never reached the store'));
    }, timeoutMs);
    const unsub = stores.dashboard.subscribe(() => {
      if (!cond()) return;
      clearTimeout(timer);
      unsub();
      resolve(performance.now());
    });
  });
}

async function openEngine(stack: Stack) {
  const client = createSupabaseClient(stack.url, stack.keys.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  });
  const stores: Stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
  let syncs = 0;
  const api = {
    ...liveApi,
    syncDashboard: async (...a: Parameters<typeof liveApi.syncDashboard>) => {
      syncs++;
      trace('sync start');
      try {
        return await liveApi.syncDashboard(...a);
      } finally {
        trace('sync end');
      }
    },
  };
  const engine = createLiveEngine({ client, api, stores, transportFor });
  stores.connection.subscribe((c, prev) => {
    if (c.eventsReceived !== prev.eventsReceived) trace(`push x${c.eventsReceived - prev.eventsReceived} (store)`);
  });
  engine.start();
  while (stores.session.getState().status === 'loading') await sleep(10);
  // a keep-alive socket the server closed during a long fill can fail the first request: try again
  let error: string | null = 'not tried';
  for (let i = 0; i < 3 && error; i++) ({ error } = await engine.signIn('admin@example.com', 'password123'));
  if (error) throw new Error(error);
  const t0 = Date.now();
  while (stores.connection.getState().state !== 'live') {
    if (Date.now() - t0 > 30_000) throw new Error('the engine did not go live');
    await sleep(20);
  }
  await sleep(500);
  return { engine, client, stores, syncs: () => syncs };
}

/** Other changes at `perSec` (product price updates), until stopped. */
function background(service: SupabaseClient, productId: string, perSec: number) {
  let stop = false;
  const run = (async () => {
    while (!stop && perSec > 0) {
      must(await service.from('products').update({ stock: Math.floor(Math.random() * 100) }).eq('id', productId).select('id'));
      await sleep(1000 / perSec);
    }
  })();
  return async () => {
    stop = true;
    await run;
  };
}

async function singleWrites(service: SupabaseClient, e: Awaited<ReturnType<typeof openEngine>>, customer: string, n: number) {
  const lat: number[] = [];
  let syncs = 0;
  for (let i = 0; i < n; i++) {
    const before = e.stores.dashboard.getState().kpis.data?.newTickets24h ?? 0;
    const issue = `bench-${randomUUID()}`;
    const s0 = e.syncs();
    traceT0 = performance.now();
    trace('ticket: request');
    const row = must(await service.from('tickets').insert({ customer_id: customer, device: 'Bench', issue }).select('id').single<{ id: string }>());
    const committed = performance.now();
    trace('ticket: response');
    const shown = await whenStore(e.stores, () => {
      const d = e.stores.dashboard.getState();
      return (d.kpis.data?.newTickets24h ?? 0) >= before + 1 && d.feed.items.some((it) => it.entityId === row.id);
    });
    trace('store shows the ticket');
    lat.push(shown - committed);
    await sleep(GAP_MS);
    syncs += e.syncs() - s0;
  }
  return { p50: pct(lat, 50), p95: pct(lat, 95), max: Math.max(...lat), n, syncsPerChange: syncs / n };
}

async function threeRequestOrders(service: SupabaseClient, e: Awaited<ReturnType<typeof openEngine>>, customer: string, product: { id: string; price_cents: number }, n: number) {
  const lat: number[] = [];
  const firstToScreen: number[] = [];
  let syncs = 0;
  for (let i = 0; i < n; i++) {
    const before = e.stores.dashboard.getState().kpis.data?.totalRevenueCents ?? 0;
    const s0 = e.syncs();
    const first = performance.now();
    traceT0 = first;
    trace('order: request 1');
    const order = must(await service.from('orders').insert({ customer_id: customer }).select('id').single<{ id: string }>());
    trace('order: request 2');
    must(await service.from('order_items').insert({ order_id: order.id, product_id: product.id, quantity: 2, unit_price_cents: product.price_cents }).select('id'));
    trace('order: request 3');
    must(await service.from('orders').update({ status: 'paid' }).eq('id', order.id).select('id'));
    const last = performance.now();
    trace('order: last response');
    const shown = await whenStore(e.stores, () => (e.stores.dashboard.getState().kpis.data?.totalRevenueCents ?? 0) >= before + 2 * product.price_cents);
    trace('store shows the revenue');
    lat.push(shown - last);
    firstToScreen.push(shown - first);
    await sleep(GAP_MS);
    syncs += e.syncs() - s0;
  }
  return { p50: pct(lat, 50), p95: pct(lat, 95), max: Math.max(...lat), n, firstP50: pct(firstToScreen, 50), syncsPerChange: syncs / n };
}

/** dashboard_sync alone, from the cursor, as the engine sends it: the floor under every figure above. */
async function syncRoundTrip(e: Awaited<ReturnType<typeof openEngine>>, n: number) {
  const lat: number[] = [];
  const { cursor, epoch } = e.engine.peek().data;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await liveApi.syncDashboard(e.client, { after: cursor, epoch, limit: 100, revenueFrom: new Date(Date.now() - 6 * 86_400_000).toISOString(), bucket: 'day', tz: 'UTC' });
    lat.push(performance.now() - t);
    await sleep(20);
  }
  return { p50: pct(lat, 50), p95: pct(lat, 95) };
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main() {
  const stack = await startStack({ port: 0, memory: !process.env.DATABASE_URL, databaseUrl: process.env.DATABASE_URL });
  const service = createClient(stack.url, stack.keys.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  try {
    const customer = must(await service.from('customers').insert({ full_name: 'Bench', email: `bench-${Date.now()}@bench.example` }).select('id').single<{ id: string }>()).id;
    const product = must(await service.from('products').select('id, price_cents').limit(1).single<{ id: string; price_cents: number }>());
    const other = must(await service.from('products').select('id').neq('id', product.id).limit(1).single<{ id: string }>());
    if (FILL > 0) {
      const t = performance.now();
      await stack.db.query(
        `insert into tickets (customer_id, device, issue, priority)
         select $1, 'Fill ' || i, 'Fill', (array['low','normal','normal','normal','high','urgent'])[1 + i % 6]
           from generate_series(1, $2::int) i`,
        [customer, FILL],
      );
      await stack.db.query(`update tickets set status = 'closed' where issue = 'Fill' and device ~ '[02468]$'`);
      console.log(`fill: ${FILL} tickets through the triggers, half closed by one bulk update (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
    const e = await openEngine(stack);
    const n = quick ? 10 : 30;
    console.log(`live engine commit-to-screen on ${stack.db.kind}, loopback, real engine + supabase-js${quick ? ' (quick)' : ''}`);
    console.log('(screen = the dashboard store, updated once per frame; goal: p95 < 100 ms)');
    for (const load of [0, 10]) {
      const stopBackground = background(service, other.id, load);
      await sleep(load ? 500 : 0);
      const single = await singleWrites(service, e, customer, n);
      const orders = await threeRequestOrders(service, e, customer, product, n);
      await stopBackground();
      const label = load ? `with ${load} other changes/s in the background` : 'quiet';
      console.log(`${label}:`);
      console.log(`  single write           : p50 ${fmt(single.p50)}, p95 ${fmt(single.p95)}, max ${fmt(single.max)} (${single.n} writes, ${single.syncsPerChange.toFixed(2)} syncs each)`);
      console.log(`  3-request order (last) : p50 ${fmt(orders.p50)}, p95 ${fmt(orders.p95)}, max ${fmt(orders.max)} (${orders.n} orders, ${orders.syncsPerChange.toFixed(2)} syncs each; first request → screen p50 ${fmt(orders.firstP50)})`);
    }
    const rtt = await syncRoundTrip(e, n);
    console.log(`dashboard_sync round trip alone (no writes): p50 ${fmt(rtt.p50)}, p95 ${fmt(rtt.p95)}`);
    const conn = e.stores.connection.getState();
    console.log(`engine: state ${conn.state}, ${conn.syncsMade} syncs, ${conn.eventsReceived} events, ${conn.rpcErrors} errors`);
    e.engine.stop();
    await e.client.removeAllChannels();
    e.client.realtime.disconnect();
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

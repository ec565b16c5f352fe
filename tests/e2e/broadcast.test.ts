import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';
import { buildAppFor } from './support/app-build';
import { launchChromium } from './support/browser';
import { expectPagesEqualDatabase } from './support/db-view';
import { freePort } from './support/free-port';
import { activityIdFor, insertPaidOrder, insertTicket, kpiValue, serviceClient, signIn, staffClient, waitForKpi, waitForState } from './support/stack-helpers';

// The dashboard built with VITE_LIVE_TRANSPORT=broadcast: the leader tab joins its role's private
// topic and applies the database's deltas; the page itself makes no RPC call for a change.
let url: string;
let stack: Stack;
let dataDir: string;
let app: ReturnType<typeof buildAppFor>;
let browser: Browser;
let service: SupabaseClient;
let adminReader: SupabaseClient;

const start = (port: number) => startStackFromSnapshot({ port, dataDir, serveApp: app.dir });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A page of its own browser context, with its RPC requests and realtime frames recorded. */
async function openWatched(opts: { cut?: { on: boolean; routes: WebSocketRoute[] } } = {}) {
  const ctx: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page: Page = await ctx.newPage();
  const rpcs: { fn: string; at: number }[] = [];
  const sent: string[] = [];
  const received: string[] = [];
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  page.on('request', (req) => {
    const m = /\/rest\/v1\/rpc\/([a-z_]+)/.exec(req.url());
    if (m) rpcs.push({ fn: m[1]!, at: Date.now() });
  });
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)));
    ws.on('framereceived', (f) => received.push(String(f.payload)));
  });
  const { cut } = opts;
  if (cut) {
    await page.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
      if (cut.on) {
        ws.close({ code: 1006, reason: 'cut by the test' });
        return;
      }
      ws.connectToServer();
      cut.routes.push(ws);
    });
  }
  const rpcsSince = (since: number) => rpcs.filter((r) => r.at >= since).map((r) => r.fn);
  return { ctx, page, rpcs, sent, received, workers, rpcsSince };
}

/** Single writes, each awaited on screen: a ticket, then a paid order (three writes), and so on. */
async function steadyWrites(page: Page, n: number) {
  for (let i = 0; i < n; i++) {
    const before = await kpiValue(page, 'new-tickets-24h');
    const ticket = await insertTicket(service, `Steady ${i}`);
    await waitForKpi(page, 'new-tickets-24h', before + 1, 15_000);
    await page.waitForSelector(`[data-activity-id="${await activityIdFor(stack, ticket.id)}"]`, { timeout: 15_000 });
    if (i % 2 === 0 && (await page.locator('[data-testid="kpi-total-revenue"]').count()) > 0) {
      const revenue = await kpiValue(page, 'total-revenue');
      await insertPaidOrder(service);
      await page.waitForFunction(
        (v) => Number(document.querySelector('[data-testid="kpi-total-revenue"]')?.getAttribute('data-value')) > v,
        revenue,
        { timeout: 15_000 },
      );
    }
  }
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  app = buildAppFor(url, { transport: 'broadcast' });
  dataDir = mkdtempSync(join(tmpdir(), 'e2e-broadcast-'));
  stack = await start(port);
  service = serviceClient(url);
  adminReader = await staffClient(url, 'admin@example.com');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  app?.remove();
});

describe('dashboard in broadcast mode, in Chromium against the local stack', () => {
  let main: Awaited<ReturnType<typeof openWatched>>;

  it('joins the private dashboard:admin topic (no table channels) and goes live', async () => {
    main = await openWatched();
    await signIn(main.page, url, 'admin@example.com');
    expect(await waitForState(main.page, ['live'])).toBe('live');
    const joins = main.sent.filter((f) => f.includes('phx_join'));
    expect(joins.some((f) => f.includes('realtime:dashboard:admin') && f.includes('"private":true'))).toBe(true);
    expect(joins.some((f) => f.includes('"table":"tickets"'))).toBe(false);
    await expectPagesEqualDatabase([main.page], adminReader);
  });

  it('the socket’s heartbeat and the engine’s timers run on the app’s own worker script, and heartbeats flow', async () => {
    // realtime-js's worker heartbeat and the engine's timers: two workers of the same script,
    // a hashed file of the build served by the app's origin (never realtime-js's blob: URL)
    const own = (w: string) => new URL(w).origin === url && /^\/assets\/live-worker-[\w-]+\.js$/.test(new URL(w).pathname);
    expect(main.workers.length).toBeGreaterThanOrEqual(2);
    expect(main.workers.filter((w) => !own(w))).toEqual([]);
    // a heartbeat every 25 s, sent on the worker's keepAlive, answered: the socket stays live
    const heartbeats = () => main.sent.filter((f) => f.includes('"heartbeat"') && f.includes('"phoenix"')).length;
    const before = heartbeats();
    const deadline = Date.now() + 35_000;
    while (heartbeats() === before && Date.now() < deadline) await sleep(250);
    expect(heartbeats()).toBeGreaterThan(before);
    await sleep(500);
    expect(await main.page.getAttribute('[data-testid="connection-status"]', 'data-state')).toBe('live');
  }, 60_000);

  it('no RPC call during steady live updates, counted from the page’s own requests', async () => {
    const since = Date.now();
    await steadyWrites(main.page, 4);
    await sleep(500);
    expect(main.rpcsSince(since)).toEqual([]);
    await expectPagesEqualDatabase([main.page], adminReader);
    expect(await main.page.getAttribute('[data-testid="connection-status"]', 'data-state')).toBe('live');
  });

  it('KPIs and feed equal the database after bursts of concurrent writers', async () => {
    const since = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? insertPaidOrder(service) : insertTicket(service, `Burst ${i}`))));
    await expectPagesEqualDatabase([main.page], adminReader);
    await Promise.all(Array.from({ length: 8 }, (_, i) => insertTicket(service, `Burst 2.${i}`)));
    await expectPagesEqualDatabase([main.page], adminReader);
    // commit order is delivery order: the bursts needed no read
    expect(main.rpcsSince(since)).toEqual([]);
  });

  it('a socket cut: polling meanwhile, then live again, equal to the database, and steady without RPCs', async () => {
    const cut = { on: false, routes: [] as WebSocketRoute[] };
    const w = await openWatched({ cut });
    await signIn(w.page, url, 'admin@example.com');
    await waitForState(w.page, ['live']);
    cut.on = true;
    for (const ws of cut.routes.splice(0)) await ws.close({ code: 1006, reason: 'cut by the test' });
    expect(await waitForState(w.page, ['polling'], 60_000)).toBe('polling');
    const before = await kpiValue(w.page, 'new-tickets-24h');
    await insertTicket(service, 'While Cut');
    await insertPaidOrder(service);
    await waitForKpi(w.page, 'new-tickets-24h', before + 1, 45_000);
    cut.on = false;
    expect(await waitForState(w.page, ['live'], 120_000)).toBe('live');
    await expectPagesEqualDatabase([w.page], adminReader);
    await sleep(500); // the rejoin's catch-up sync
    const since = Date.now();
    await steadyWrites(w.page, 2);
    expect(w.rpcsSince(since)).toEqual([]);
    await expectPagesEqualDatabase([w.page], adminReader);
    await w.ctx.close();
  });

  it('a support agent joins dashboard:support and never receives an order, a revenue figure or an order id', async () => {
    const s = await openWatched();
    await signIn(s.page, url, 'support@example.com');
    await waitForState(s.page, ['live']);
    expect(s.sent.some((f) => f.includes('phx_join') && f.includes('realtime:dashboard:support'))).toBe(true);
    const order = await insertPaidOrder(service);
    const barrier = await insertTicket(service, 'Support Barrier');
    await s.page.waitForSelector(`[data-activity-id="${await activityIdFor(stack, barrier.id)}"]`, { timeout: 15_000 });
    const supportReader = await staffClient(url, 'support@example.com');
    await expectPagesEqualDatabase([s.page], supportReader);
    // the socket did carry the ticket's delta, so the absence of orders is not for lack of traffic
    expect(s.received.some((f) => f.includes('dashboard:support') && f.includes('delta') && f.includes('ticket_created'))).toBe(true);
    expect(s.received.some((f) => f.includes(order.id) || f.includes('order_placed') || f.includes('"revenue":[') || /"total_revenue_cents":\s*\d/.test(f))).toBe(false);
    await s.ctx.close();
  });

  it('recovers by itself when the stack restarts, equal to the database, then steady without RPCs', async () => {
    const page = main.page;
    await page.evaluate(() => ((window as unknown as { e2eMarker: number }).e2eMarker = 7));
    const port = Number(new URL(url).port);
    await stack.close();
    expect(await waitForState(page, ['polling', 'offline', 'connecting'], 60_000)).not.toBe('live');
    stack = await start(port);
    await insertTicket(service, 'After Restart');
    expect(await waitForState(page, ['live'], 150_000)).toBe('live');
    await expectPagesEqualDatabase([page], adminReader, 45_000);
    await sleep(500);
    const since = Date.now();
    await steadyWrites(page, 2);
    expect(main.rpcsSince(since)).toEqual([]);
    await expectPagesEqualDatabase([page], adminReader);
    expect(await page.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(7);
  }, 300_000);
});

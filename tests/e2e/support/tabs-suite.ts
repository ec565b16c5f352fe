import { readFileSync } from 'node:fs';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveTransportSetting } from '../../../src/config/env.ts';
import type { Stack } from '../../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../../support/db-snapshot.ts';
import { buildAppFor } from './app-build';
import { launchChromium } from './browser';
import { freePort } from './free-port';
import { revenueWindow } from '../../../src/live/revenue-window';
import { activityIdFor, insertPaidOrder, insertTicket, serviceClient, signIn, staffClient, waitForState } from './stack-helpers';
import { probeContext, shown, type ContextProbe } from './tab-probes';

/**
 * The tabs' story, in the given live transport (tabs.test.ts: the default, postgres_changes;
 * tabs-broadcast.test.ts: broadcast). One stack, one browser context, tests in order.
 */
export function tabsSuite(transport: LiveTransportSetting) {
  // Several tabs of one browser context share one realtime connection: the leader's.
  let url: string;
  let stack: Stack;
  let app: ReturnType<typeof buildAppFor>;
  let browser: Browser;
  let ctx: BrowserContext;
  let probe: ContextProbe;
  let admin: SupabaseClient;
  let reader: SupabaseClient;
  const pages: Page[] = [];

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** The KPIs and latest feed the RPCs return now, read through supabase-js as an admin. */
  async function database(feedLength: number) {
    const kpis = await reader.rpc('dashboard_kpis');
    if (kpis.error) throw kpis.error;
    const k = kpis.data as Record<string, number>;
    const feed = await reader.rpc('activity_feed', { p_limit: feedLength });
    if (feed.error) throw feed.error;
    return {
      kpis: { 'total-revenue': k.total_revenue_cents, 'active-repairs': k.active_repairs, 'new-tickets-24h': k.new_tickets_24h, 'products-sold': k.products_sold },
      feed: (feed.data as Array<{ id: number | string }>).map((r) => Number(r.id)),
    };
  }

  /** Every open tab shows exactly what the database says (polled while changes settle). */
  async function expectAllEqualToDatabase(tabs: Page[]) {
    await expect
      .poll(
        async () => {
          const views = await Promise.all(tabs.map(shown));
          const db = await database(views[0]!.feed.length || 20);
          const bad = views.map((v, i) => ({ i, v })).filter(({ v }) => JSON.stringify(v) !== JSON.stringify(db));
          return bad.length === 0 ? 'equal' : JSON.stringify({ db, bad });
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('equal');
  }

  async function openTab(path = '/'): Promise<Page> {
    const page = probe.watch(await ctx.newPage());
    await page.goto(`${url}${path}`);
    pages.push(page);
    return page;
  }

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = buildAppFor(url, { transport });
    stack = await startStackFromSnapshot({ port, memory: true, serveApp: app.dir });
    admin = serviceClient(url);
    reader = await staffClient(url, 'admin@example.com');
    browser = await launchChromium();
    // the browser's days are this process's days, so the revenue window is computed alike on both sides
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: Intl.DateTimeFormat().resolvedOptions().timeZone, acceptDownloads: true });
    probe = probeContext(ctx);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    app?.remove();
  });

  describe(`tabs in Chromium (${transport}): one realtime connection per browser and user`, () => {
    it('3 tabs open 1 realtime WebSocket, and every tab shows the database', async () => {
      const first = probe.watch(await ctx.newPage());
      pages.push(first);
      await signIn(first, url, 'admin@example.com');
      await waitForState(first, ['live']);
      await openTab('/');
      await openTab('/');
      await Promise.all(pages.map((p) => waitForState(p, ['live'])));
      await sleep(2000); // time for any extra socket to show up
      expect(probe.sockets).toHaveLength(1);
      expect(probe.openSockets()).toBe(1);
      await expectAllEqualToDatabase(pages);
    });

    it('a change reaches every tab through the leader alone (postgres_changes: one read; broadcast: none)', async () => {
      const leader = probe.socketPage();
      expect(leader).not.toBeNull();
      const since = Date.now();
      const ticket = await insertTicket(admin, 'Three Tabs Phone');
      const id = await activityIdFor(stack, ticket.id);
      for (const p of pages) await p.waitForSelector(`[data-testid="activity-item"][data-activity-id="${id}"]`, { timeout: 15_000 });
      await sleep(500);
      for (const p of pages) if (p !== leader) expect(probe.rpcCount(undefined, since, p)).toBe(0);
      // postgres_changes: the leader's one catch-up; broadcast: the delta itself, no read at all
      if (transport === 'broadcast') expect(probe.rpcCount(undefined, since, leader!)).toBe(0);
      else expect(probe.rpcCount(undefined, since, leader!)).toBeGreaterThan(0);
      await expectAllEqualToDatabase(pages);
    });

    it('a follower showing another revenue range gets a correct live chart from the leader', async () => {
      const follower = await openTab('/?range=90d');
      await follower.waitForSelector('[data-testid="revenue-chart"] figcaption:has-text("last 90 d")');
      await follower.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      const since = Date.now();
      await insertPaidOrder(admin);
      const csvTotal = async () => {
        const [download] = await Promise.all([follower.waitForEvent('download'), follower.click('button:has-text("Download CSV")')]);
        const rows = readFileSync(await download.path(), 'utf8').trim().split('\r\n').slice(1);
        return { buckets: rows.length, cents: rows.reduce((sum, row) => sum + Number(row.split(',')[1]), 0) };
      };
      const rpcTotal = async () => {
        const w = revenueWindow('90d', Date.now());
        const { data, error } = await reader.rpc('revenue_series', { p_from: w.from, p_to: w.to, p_bucket: w.bucket, p_tz: w.tz });
        if (error) throw error;
        return (data as Array<{ revenue_cents: number | string }>).reduce((sum, r) => sum + Number(r.revenue_cents), 0);
      };
      await expect.poll(async () => (await csvTotal()).cents - (await rpcTotal()), { timeout: 20_000, interval: 500 }).toBe(0);
      expect((await csvTotal()).buckets).toBe(90);
      // the leader read it: the follower made no RPC call of its own
      expect(probe.rpcCount(undefined, since, follower)).toBe(0);
      expect(probe.openSockets()).toBe(1);
    });

    it('a tab showing 24 h (hours, while the engine keeps days) gets an order live from the leader', async () => {
      const hourly = await openTab('/?range=24h');
      await hourly.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      const leader = probe.socketPage()!;
      await sleep(1_000); // the leader's first read of the hourly series
      const since = Date.now();
      await insertPaidOrder(admin);
      const csvTotal = async () => {
        const [download] = await Promise.all([hourly.waitForEvent('download'), hourly.click('button:has-text("Download CSV")')]);
        const rows = readFileSync(await download.path(), 'utf8').trim().split('\r\n').slice(1);
        return rows.reduce((sum, row) => sum + Number(row.split(',')[1]), 0);
      };
      const rpcTotal = async () => {
        const w = revenueWindow('24h', Date.now());
        const { data, error } = await reader.rpc('revenue_series', { p_from: w.from, p_to: w.to, p_bucket: w.bucket, p_tz: w.tz });
        if (error) throw error;
        return (data as Array<{ revenue_cents: number | string }>).reduce((sum, r) => sum + Number(r.revenue_cents), 0);
      };
      await expect.poll(async () => (await csvTotal()) - (await rpcTotal()), { timeout: 20_000, interval: 500 }).toBe(0);
      expect(probe.rpcCount(undefined, since, hourly)).toBe(0);
      // postgres_changes: the leader syncs and reads the hourly series; broadcast: the deltas carry both
      if (transport === 'broadcast') expect(probe.rpcCount(undefined, since, leader)).toBe(0);
      else expect(probe.rpcCount('revenue_series_at_head', since, leader)).toBeGreaterThan(0);
    });

    it('a paused tab is frozen while the others stay live on the same connection', async () => {
      const follower = pages.find((p) => p !== probe.socketPage())!;
      await follower.click('[data-testid="live-toggle"]');
      expect(await waitForState(follower, ['paused'], 5_000)).toBe('paused');
      const frozen = await shown(follower);
      const ticket = await insertTicket(admin, 'Paused Tab Phone');
      const id = await activityIdFor(stack, ticket.id);
      const live = pages.filter((p) => p !== follower);
      for (const p of live) await p.waitForSelector(`[data-activity-id="${id}"]`, { timeout: 15_000 });
      expect(await shown(follower)).toEqual(frozen);
      expect(probe.openSockets()).toBe(1);
      await follower.click('[data-testid="live-toggle"]');
      await follower.waitForSelector(`[data-activity-id="${id}"]`, { timeout: 15_000 });
      await expectAllEqualToDatabase(pages);
    });

    it('closing the leader hands over to another tab, which resumes; all tabs stay equal to the database', async () => {
      const leader = probe.socketPage()!;
      const socketsBefore = probe.sockets.length;
      // broadcast: deltas keep flowing across the hand-over (postgres_changes would sync on each)
      let streaming = transport === 'broadcast';
      const stream = (async () => {
        for (let i = 0; streaming; i++) {
          await insertTicket(admin, `Hand-over stream ${i}`);
          await sleep(150);
        }
      })();
      await sleep(400);
      const closedAt = Date.now();
      await leader.close();
      pages.splice(pages.indexOf(leader), 1);
      await expect.poll(() => probe.sockets.length, { timeout: 10_000, interval: 50 }).toBe(socketsBefore + 1);
      const handOverMs = probe.sockets.at(-1)!.openedAt - closedAt;
      console.log(`hand-over: new leader's socket opened ${handOverMs} ms after the leader closed`);
      expect(handOverMs).toBeLessThan(2_000 + 1_000); // the lock within 2 s, then the socket's own connect
      expect(probe.openSockets()).toBe(1);
      // the new leader resumes from what it showed: one sync from that cursor, not a reload of everything
      await Promise.all(pages.map((p) => waitForState(p, ['live'])));
      await sleep(1_000);
      streaming = false;
      await stream;
      const newLeader = probe.socketPage()!;
      const syncs = probe.rpcCount('dashboard_sync', closedAt, newLeader);
      console.log(`hand-over: the new leader made ${syncs} dashboard_sync call(s) and ${probe.rpcCount(undefined, closedAt, newLeader)} RPC call(s) in all`);
      expect(syncs).toBe(1);
      const ticket = await insertTicket(admin, 'After Hand-over Phone');
      const id = await activityIdFor(stack, ticket.id);
      for (const p of pages) await p.waitForSelector(`[data-activity-id="${id}"]`, { timeout: 15_000 });
      await Promise.all(pages.map((p) => waitForState(p, ['live'])));
      await expectAllEqualToDatabase(pages);
      const ids = (await shown(pages[0]!)).feed;
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('a tab opened later gets the full state at once, without a socket or RPC of its own', async () => {
      const since = Date.now();
      const late = await openTab('/');
      await late.waitForSelector('[data-testid="activity-item"]', { timeout: 10_000 });
      await waitForState(late, ['live']);
      expect(probe.rpcCount(undefined, since, late)).toBe(0);
      expect(probe.openSockets()).toBe(1);
      await expectAllEqualToDatabase(pages);
    });

    it('a crashed leader hands over too', async () => {
      const leader = probe.socketPage()!;
      const before = probe.sockets.length;
      const cdp = await ctx.newCDPSession(leader);
      const crashedAt = Date.now();
      void cdp.send('Page.crash').catch(() => undefined);
      pages.splice(pages.indexOf(leader), 1);
      await expect.poll(() => probe.sockets.length, { timeout: 10_000, interval: 50 }).toBe(before + 1);
      console.log(`crash hand-over: new socket ${probe.sockets.at(-1)!.openedAt - crashedAt} ms after the crash`);
      await leader.close().catch(() => undefined);
      const ticket = await insertTicket(admin, 'After Crash Phone');
      const id = await activityIdFor(stack, ticket.id);
      for (const p of pages) await p.waitForSelector(`[data-activity-id="${id}"]`, { timeout: 15_000 });
      expect(probe.openSockets()).toBe(1);
      await expectAllEqualToDatabase(pages);
    });

    it('a leader whose event loop is stuck loses its lock to a follower', async () => {
      await openTab('/');
      await Promise.all(pages.map((p) => waitForState(p, ['live'])));
      const leader = probe.socketPage()!;
      const before = probe.sockets.length;
      const stuckAt = Date.now();
      void leader.evaluate('for (;;) {}').catch(() => undefined);
      pages.splice(pages.indexOf(leader), 1);
      await expect.poll(() => probe.sockets.length, { timeout: 15_000, interval: 50 }).toBe(before + 1);
      const tookMs = probe.sockets.at(-1)!.openedAt - stuckAt;
      console.log(`stuck leader: a follower stole the lock and opened its socket ${tookMs} ms later`);
      expect(tookMs).toBeLessThan(8_000); // 3 s of silence, a ping, 1–2 s without an answer, then connect
      const ticket = await insertTicket(admin, 'After Stuck Leader Phone');
      const id = await activityIdFor(stack, ticket.id);
      for (const p of pages) await p.waitForSelector(`[data-activity-id="${id}"]`, { timeout: 15_000 });
      await expectAllEqualToDatabase(pages);
      await Promise.race([leader.close({ runBeforeUnload: false }), sleep(10_000)]);
      await expect.poll(() => probe.openSockets(), { timeout: 10_000 }).toBe(1);
    });

    it('sign-out in one tab signs out every tab and closes the connection', async () => {
      const follower = pages.find((p) => p !== probe.socketPage())!;
      await follower.click('button:has-text("Sign out")');
      for (const p of pages) await p.waitForURL('**/login', { timeout: 10_000 });
      await expect.poll(() => probe.openSockets(), { timeout: 10_000 }).toBe(0);
      for (const p of pages) await p.waitForSelector('input[name="email"]', { timeout: 5_000 });
      for (const p of pages) expect(await p.locator('[data-testid^="kpi-"]').count()).toBe(0);
      // signing in again in one tab brings the others back, on one connection
      await signIn(pages[0]!, url, 'admin@example.com');
      for (const p of pages.slice(1)) await p.waitForSelector('[data-testid="kpi-active-repairs"]', { timeout: 15_000 });
      await Promise.all(pages.map((p) => waitForState(p, ['live'])));
      await sleep(1000);
      expect(probe.openSockets()).toBe(1);
    });
  });
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIVE_TRANSPORT, type LiveTransportSetting } from '../../../src/config/env.ts';
import type { Stack } from '../../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../../support/db-snapshot.ts';
import { buildAppFor } from './app-build';
import { launchChromium } from './browser';
import { freePort } from './free-port';
import {
  activityIdFor,
  feedIds,
  insertPaidOrder,
  insertTicket,
  kpiValue,
  newestActivityIds,
  serviceClient,
  signIn,
  staffClient,
  waitForKpi,
  waitForState,
} from './stack-helpers';

/**
 * The dashboard's story in Chromium, in the given live transport (dashboard.test.ts: the default
 * build; dashboard-postgres-changes.test.ts: the other mode). The tests run in order and build on
 * each other.
 */
export function dashboardSuite(transport?: LiveTransportSetting) {
  const live = transport ?? (process.env.VITE_LIVE_TRANSPORT || DEFAULT_LIVE_TRANSPORT);
  // One stack and one browser for the whole story; the tests run in order and build on each other.
  let PORT: number;
  let URL_: string;
  const SHOTS = resolve(import.meta.dirname, '../../../test-results/screenshots');

  let stack: Stack;
  let dataDir: string;
  let app: ReturnType<typeof buildAppFor>;
  let browser: Browser;
  let admin: SupabaseClient;
  let adminCtx: BrowserContext;
  let tab1: Page;
  let tab2: Page;

  /** Fails with a clear message instead of the test's generic time-out when a step hangs. */
  async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // E2E_DEBUG=1 prints the stack's log with timestamps
  const log = process.env.E2E_DEBUG ? (m: string) => console.log(new Date().toISOString().slice(11, 23), m) : undefined;
  const start = () => startStackFromSnapshot({ port: PORT, dataDir, serveApp: app.dir, log });

  beforeAll(async () => {
    PORT = Number(process.env.E2E_STACK_PORT) || (await freePort());
    URL_ = `http://127.0.0.1:${PORT}`;
    app = buildAppFor(URL_, { transport });
    dataDir = mkdtempSync(join(tmpdir(), 'e2e-stack-'));
    stack = await start();
    admin = serviceClient(URL_);
    browser = await launchChromium();
    // not UTC, so the revenue chart's days are checked to be the viewer's days
    adminCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    app?.remove();
  });

  describe(`dashboard in Chromium against the local stack (${live})`, () => {
    it('lets an admin sign in and shows the four KPIs, live', async () => {
      tab1 = await adminCtx.newPage();
      await tab1.goto(`${URL_}/`);
      await tab1.waitForURL('**/login');
      await signIn(tab1, URL_, 'admin@example.com');
      for (const id of ['total-revenue', 'active-repairs', 'new-tickets-24h', 'products-sold']) {
        expect(await tab1.isVisible(`[data-testid="kpi-${id}"]`)).toBe(true);
      }
      await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      expect(await waitForState(tab1, ['live'])).toBe('live');
    });

    it('shows the same KPIs as dashboard_kpis', async () => {
      const client = await staffClient(URL_, 'admin@example.com');
      await expect
        .poll(
          async () => {
            const { data, error } = await client.rpc('dashboard_kpis');
            if (error) throw error;
            const k = data as Record<string, number>;
            const shown = {
              revenue: await kpiValue(tab1, 'total-revenue'),
              active: await kpiValue(tab1, 'active-repairs'),
              tickets: await kpiValue(tab1, 'new-tickets-24h'),
              sold: await kpiValue(tab1, 'products-sold'),
            };
            const expected = {
              revenue: k.total_revenue_cents,
              active: k.active_repairs,
              tickets: k.new_tickets_24h,
              sold: k.products_sold,
            };
            return JSON.stringify(shown) === JSON.stringify(expected) ? 'equal' : JSON.stringify({ shown, expected });
          },
          { timeout: 45_000, interval: 1_000 },
        )
        .toBe('equal');
    });

    it('saves screenshots of the overview and activity pages, light and dark', async () => {
      for (const scheme of ['light', 'dark'] as const) {
        await tab1.emulateMedia({ colorScheme: scheme });
        await tab1.goto(`${URL_}/?range=30d`);
        await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
        await tab1.waitForSelector('[data-testid="ticket-aging"]');
        await tab1.screenshot({ path: join(SHOTS, `overview-${scheme}.png`), fullPage: true });
        await tab1.goto(`${URL_}/activity`);
        await tab1.waitForSelector('[data-testid="activity-item"]');
        await tab1.screenshot({ path: join(SHOTS, `activity-${scheme}.png`) });
      }
      await tab1.setViewportSize({ width: 390, height: 844 });
      await tab1.goto(`${URL_}/`);
      await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      await tab1.waitForSelector('[data-testid="ticket-aging"]');
      await tab1.screenshot({ path: join(SHOTS, 'overview-phone-dark.png'), fullPage: true });
      await tab1.emulateMedia({ colorScheme: 'light' });
      await tab1.setViewportSize({ width: 1280, height: 900 });
      expect(await tab1.isVisible('[data-testid="kpi-active-repairs"]')).toBe(true);
    });

    it('keeps the range in the URL', async () => {
      await tab1.goto(`${URL_}/?range=24h`);
      await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      expect(await tab1.getAttribute('[data-testid="revenue-chart"] button:has-text("24 h")', 'aria-pressed')).toBe('true');
      await tab1.click('[data-testid="revenue-chart"] button:has-text("90 d")');
      await tab1.waitForURL('**/?range=90d');
      await tab1.waitForSelector('[data-testid="revenue-chart"] figcaption:has-text("last 90 d")');
    });

    it('downloads the revenue series shown as CSV', async () => {
      const [download] = await Promise.all([tab1.waitForEvent('download'), tab1.click('button:has-text("Download CSV")')]);
      expect(download.suggestedFilename()).toMatch(/^revenue-90d-.*\.csv$/);
      const csv = readFileSync(await download.path(), 'utf8').trim().split('\r\n');
      expect(csv[0]).toBe('bucket_start,revenue_cents,revenue,orders_count');
      // 90 daily buckets, give or take the partial day at each end
      expect(csv.length - 1).toBeGreaterThanOrEqual(90);
      expect(csv.length - 1).toBeLessThanOrEqual(92);
      // each day starts at midnight in New York (UTC-5, or UTC-4 in summer)
      for (const row of csv.slice(1)) expect(['04:00', '05:00']).toContain(row.slice(11, 16));
    });

    it('pauses and resumes live updates, and switches the theme', async () => {
      await tab1.click('[data-testid="live-toggle"]');
      expect(await waitForState(tab1, ['paused'], 10_000)).toBe('paused');
      expect(await tab1.textContent('[data-testid="connection-status"]')).toContain('Paused');
      await tab1.click('[data-testid="live-toggle"]');
      expect(await waitForState(tab1, ['live'], 60_000)).toBe('live');

      const before = await tab1.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await tab1.click('button[aria-label="Switch to dark theme"]');
      expect(await tab1.getAttribute('html', 'data-theme')).toBe('dark');
      expect(await tab1.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(before);
      await tab1.click('button[aria-label="Switch to light theme"]');
      expect(await tab1.getAttribute('html', 'data-theme')).toBe('light');
    });

    it('shows a change written through the service role in two open tabs', async () => {
      await tab1.goto(`${URL_}/`);
      tab2 = await adminCtx.newPage();
      await tab2.goto(`${URL_}/`);
      await Promise.all([waitForState(tab1, ['live']), waitForState(tab2, ['live'])]);
      await tab1.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
      await tab2.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
      const before = await kpiValue(tab1, 'new-tickets-24h');
      expect(await kpiValue(tab2, 'new-tickets-24h')).toBe(before);

      const ticket = await insertTicket(admin, 'Two Tabs Phone');
      const activityId = await activityIdFor(stack, ticket.id);
      for (const tab of [tab1, tab2]) {
        await waitForKpi(tab, 'new-tickets-24h', before + 1);
        await tab.waitForSelector(`[data-testid="activity-item"][data-activity-id="${activityId}"]`);
        expect(await tab.textContent(`[data-activity-id="${activityId}"]`)).toContain(`New ticket #${ticket.number}`);
      }
      await tab2.close();
    });

    it('falls back to polling when the realtime socket is cut, and returns to live without gaps or duplicates', async () => {
      // a browser of its own: in adminCtx this page would follow tab1, whose socket is not routed
      const cutCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await cutCtx.newPage();
      let cut = false;
      const routes: WebSocketRoute[] = [];
      await page.routeWebSocket(/\/realtime\/v1\/websocket/, (ws) => {
        if (cut) {
          ws.close({ code: 1006, reason: 'cut by the test' });
          return;
        }
        ws.connectToServer();
        routes.push(ws);
      });
      await signIn(page, URL_, 'admin@example.com');
      await waitForState(page, ['live']);

      cut = true;
      for (const ws of routes.splice(0)) await ws.close({ code: 1006, reason: 'cut by the test' });
      expect(await waitForState(page, ['polling'], 60_000)).toBe('polling');
      expect(await page.textContent('[data-testid="connection-status"]')).toMatch(/Polling \(every \d+(\.\d)? s\)/);

      const before = await kpiValue(page, 'new-tickets-24h');
      const whileCut = await insertTicket(admin, 'Polling Phone');
      await waitForKpi(page, 'new-tickets-24h', before + 1, 45_000);
      await page.waitForSelector(`[data-activity-id="${await activityIdFor(stack, whileCut.id)}"]`, { timeout: 45_000 });

      cut = false;
      expect(await waitForState(page, ['live'], 120_000)).toBe('live');
      const afterLive = await insertTicket(admin, 'Back Live Phone');
      await waitForKpi(page, 'new-tickets-24h', before + 2);
      const lastId = await activityIdFor(stack, afterLive.id);

      await page.click('nav >> text=Activity');
      await page.waitForSelector(`[data-testid="activity-feed"] [data-activity-id="${lastId}"]`);
      const shown = await feedIds(page);
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown).toEqual(await newestActivityIds(stack, shown.length));
      await cutCtx.close();
    });

    it('REST answering 503 for a few seconds while the socket stays up: offline, then back to Live by itself', async () => {
      // a browser of its own: in adminCtx this page would follow tab1, which makes the syncs
      const blipCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await blipCtx.newPage();
      const sockets: string[] = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await signIn(page, URL_, 'admin@example.com');
      await waitForState(page, ['live']);
      await page.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
      const before = await kpiValue(page, 'new-tickets-24h');

      let failing = true;
      let refused = 0;
      const rpc = /\/rest\/v1\/rpc\/dashboard_sync/;
      await page.route(rpc, (route) => {
        if (!failing) return route.continue();
        refused += 1;
        return route.fulfill({ status: 503, contentType: 'application/json', body: '{"message":"upstream unavailable"}' });
      });
      // another range needs a sync in either transport (postgres_changes also syncs on the ticket's push)
      await page.click('[data-testid="revenue-chart"] button:has-text("30 d")');
      const ticket = await insertTicket(admin, 'REST Blip Phone');
      expect(await waitForState(page, ['offline'], 20_000)).toBe('offline');
      await new Promise((r) => setTimeout(r, 3_000));
      failing = false;
      const back = Date.now();
      expect(await waitForState(page, ['live'], 20_000)).toBe('live');
      log?.(`live again ${Date.now() - back} ms after the REST came back`);
      await waitForKpi(page, 'new-tickets-24h', before + 1);
      await page.waitForSelector(`[data-activity-id="${await activityIdFor(stack, ticket.id)}"]`);
      expect(refused).toBeGreaterThan(1); // it retried while failing
      expect(sockets).toHaveLength(1); // the socket stayed up throughout: never reopened
      await page.unroute(rpc);
      await blipCtx.close();
    });

    it('never shows revenue to a support agent, nor sends them order data', async () => {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      const frames: string[] = [];
      const bodies: string[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
      page.on('response', async (r) => {
        if (r.url().includes('/rest/v1/')) bodies.push(await r.text().catch(() => ''));
      });
      await signIn(page, URL_, 'support@example.com');
      await waitForState(page, ['live']);
      await page.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
      await page.waitForSelector('[data-testid="ticket-aging"]');
      expect(await page.locator('[data-testid="kpi-total-revenue"]').count()).toBe(0);
      expect(await page.locator('[data-testid="kpi-products-sold"]').count()).toBe(0);
      expect(await page.locator('[data-testid="revenue-chart"]').count()).toBe(0);
      expect(await page.textContent('header')).toContain('support');

      await insertPaidOrder(admin);
      const barrier = await insertTicket(admin, 'Support Barrier Phone');
      await page.waitForSelector(`[data-activity-id="${await activityIdFor(stack, barrier.id)}"]`);
      await page.click('nav >> text=Activity');
      await page.waitForSelector('[data-testid="activity-feed"] [data-testid="activity-item"]');
      expect(await page.locator('[data-testid="activity-item"]:has-text("Order #")').count()).toBe(0);
      expect(await page.locator('button:has-text("Orders")').count()).toBe(0);
      // the socket did carry the ticket change, so the absence of orders is not for lack of traffic
      if (live === 'broadcast') expect(frames.some((f) => f.includes('dashboard:support') && f.includes('ticket_created'))).toBe(true);
      else expect(frames.some((f) => f.includes('"table":"tickets"'))).toBe(true);
      expect(frames.some((f) => f.includes('"table":"orders"') || f.includes('order_placed'))).toBe(false);
      expect(bodies.some((b) => b.includes('ticket_number'))).toBe(true);
      expect(bodies.some((b) => b.includes('order_placed') || b.includes('order_number'))).toBe(false);
      await ctx.close();
    });

    it('preloads the pages: moving between them fetches no script and shows no loader', async () => {
      await tab1.goto(`${URL_}/`);
      await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      // the overview's first load does not carry the activity page; the idle preload fetches it
      await tab1.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /\/assets\/activity-[\w-]+\.js$/.test(e.name)), undefined, {
        timeout: 10_000,
      });
      const scripts: string[] = [];
      const onRequest = (r: { resourceType(): string; url(): string }) => void (r.resourceType() === 'script' && scripts.push(r.url()));
      tab1.on('request', onRequest);
      await tab1.evaluate(() => {
        const w = window as unknown as { loaderSeen: boolean };
        w.loaderSeen = false;
        new MutationObserver(() => {
          if (document.body.textContent?.includes('Loading the page')) w.loaderSeen = true;
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await tab1.click('nav[aria-label="Main"] a:has-text("Activity")');
      await tab1.waitForSelector('[data-testid="activity-item"]');
      await tab1.click('nav[aria-label="Main"] a:has-text("Overview")');
      await tab1.waitForSelector('[data-testid="revenue-chart"] svg.recharts-surface');
      tab1.off('request', onRequest);
      expect(scripts).toEqual([]);
      expect(await tab1.evaluate(() => (window as unknown as { loaderSeen: boolean }).loaderSeen)).toBe(false);
    });

    it('scrolls into the past on the activity page', async () => {
      await tab1.goto(`${URL_}/activity`);
      await tab1.waitForSelector('[data-testid="activity-item"]');
      const first = (await feedIds(tab1)).length;
      await tab1.locator('[data-testid="load-more-sentinel"]').scrollIntoViewIfNeeded();
      await tab1.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="activity-item"]').length > n,
        first,
        { timeout: 30_000 },
      );
      const shown = await feedIds(tab1);
      expect(new Set(shown).size).toBe(shown.length);
      expect(shown).toEqual(await newestActivityIds(stack, shown.length));
    });

    it('keeps the session across a reload', async () => {
      await tab1.reload();
      await tab1.waitForSelector('[data-testid="activity-feed"] [data-testid="activity-item"]');
      expect(new URL(tab1.url()).pathname).toBe('/activity');
      expect(await tab1.textContent('header')).toContain('admin');
    });

    it('recovers by itself when the stack restarts mid-session', async () => {
      await tab1.goto(`${URL_}/`);
      await waitForState(tab1, ['live']);
      await tab1.evaluate(() => ((window as unknown as { e2eMarker: number }).e2eMarker = 42));
      const before = await kpiValue(tab1, 'new-tickets-24h');

      const t0 = Date.now();
      await within(60_000, stack.close(), 'stack.close()');
      log?.(`stack closed in ${Date.now() - t0} ms`);
      expect(await waitForState(tab1, ['polling', 'offline', 'connecting'], 60_000)).not.toBe('live');
      stack = await within(120_000, start(), 'startStackFromSnapshot() on the same data folder');
      console.log(`stack restarted in ${Date.now() - t0} ms`);

      expect(await waitForState(tab1, ['live'], 150_000)).toBe('live');
      const ticket = await insertTicket(admin, 'After Restart Phone');
      await waitForKpi(tab1, 'new-tickets-24h', before + 1);
      await tab1.waitForSelector(`[data-activity-id="${await activityIdFor(stack, ticket.id)}"]`);
      // the same document: it recovered without a reload
      expect(await tab1.evaluate(() => (window as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42);
    }, 300_000);

    it('signs out and keeps the dashboard behind the login', async () => {
      await tab1.goto(`${URL_}/`);
      await tab1.waitForSelector('[data-testid="kpi-active-repairs"]');
      await tab1.click('button:has-text("Sign out")');
      await tab1.waitForURL('**/login');
      await tab1.goto(`${URL_}/activity`);
      await tab1.waitForURL('**/login');
      expect(await tab1.isVisible('input[name="email"]')).toBe(true);
      expect(await tab1.locator('[data-testid="activity-feed"]').count()).toBe(0);
      // the local stack's demo logins are offered on the login page
      expect(await tab1.textContent('form')).toContain('admin@example.com');
      await tab1.screenshot({ path: join(SHOTS, 'login-light.png') });
    });
  });
}

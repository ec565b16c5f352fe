// Multi-tab benchmark, in Chromium against the real local stack: for 1 and 5 tabs of one browser,
// realtime sockets per browser, sync rounds and RPC calls per change (counted from the pages' own
// requests), and commit-to-screen p50/p95 for single writes and three-request orders. The same
// figures, in the same run, for the naive baseline in bench/naive-live/ (every tab subscribes on its
// own and re-reads every RPC on every event, as generic live data providers do).
// Usage: npm run bench:live [-- --quick]
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Browser, Page } from 'playwright-core';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { ANON_KEY } from '../local-supabase/auth/keys.ts';
import { startStack, type Stack } from '../local-supabase/stack.ts';
import { buildAppFor } from '../tests/e2e/support/app-build.ts';
import { launchChromium } from '../tests/e2e/support/browser.ts';
import { freePort } from '../tests/e2e/support/free-port.ts';
import { insertPaidOrder, insertTicket, serviceClient, signIn, staffClient, waitForState } from '../tests/e2e/support/stack-helpers.ts';
import { probeContext, type ContextProbe } from '../tests/e2e/support/tab-probes.ts';

const quick = process.argv.includes('--quick');
const SINGLES = quick ? 6 : 12;
const ORDERS = quick ? 3 : 6;
const TAB_COUNTS = [1, 5];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** Serves the built baseline page from its own origin (so it shares nothing with the app's tabs). */
async function serveStatic(dir: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, server };
}

/**
 * Records in the page when each KPI first shows each value (wall clock, as the bench's). A string,
 * so tsx's helpers (`__name`) do not leak into the page.
 */
const WATCH_KPIS = `(() => {
  window.__seen = {};
  const scan = () => {
    for (const el of document.querySelectorAll('[data-testid^="kpi-"]')) {
      const key = el.getAttribute('data-testid') + ':' + el.getAttribute('data-value');
      if (!(key in window.__seen)) window.__seen[key] = Date.now();
    }
  };
  scan();
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
})()`;

async function watchKpis(page: Page) {
  await page.evaluate(WATCH_KPIS);
}

async function seenAt(page: Page, key: string): Promise<number | null> {
  return page.evaluate((k) => (window as unknown as { __seen: Record<string, number> }).__seen[k] ?? null, key);
}

/** Time until the first and until every tab shows `key`, from `t0`. */
async function untilAllShow(pages: Page[], key: string, t0: number, timeoutMs = 20_000): Promise<{ first: number; all: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const times = await Promise.all(pages.map((p) => seenAt(p, key)));
    if (times.every((t) => t !== null)) return { first: Math.min(...(times as number[])) - t0, all: Math.max(...(times as number[])) - t0 };
    if (Date.now() > deadline) throw new Error(`${key} did not reach every tab within ${timeoutMs} ms`);
    await sleep(5);
  }
}

async function kpis(reader: SupabaseClient) {
  const { data, error } = await reader.rpc('dashboard_kpis');
  if (error) throw error;
  return data as { new_tickets_24h: number; total_revenue_cents: number };
}

interface Row {
  mode: string;
  tabs: number;
  sockets: number;
  syncsPerChange: number;
  rpcsPerChange: number;
  single: Array<{ first: number; all: number }>;
  order: Array<{ first: number; all: number }>;
}

async function measure(
  mode: 'tabs' | 'naive',
  n: number,
  ctx: { browser: Browser; stack: Stack; admin: SupabaseClient; reader: SupabaseClient; appUrl: string; naiveUrl: string },
): Promise<Row> {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const probe: ContextProbe = probeContext(context);
  const pages: Page[] = [];
  const naivePage = `${ctx.naiveUrl}/?url=${encodeURIComponent(ctx.stack.url)}&key=${ANON_KEY}`;
  for (let i = 0; i < n; i += 1) {
    const page = probe.watch(await context.newPage());
    pages.push(page);
    if (mode === 'tabs') {
      if (i === 0) await signIn(page, ctx.appUrl, 'admin@example.com');
      else await page.goto(`${ctx.appUrl}/`);
      await waitForState(page, ['live']);
      await page.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
    } else {
      await page.goto(naivePage);
      await page.waitForFunction(() => document.body.dataset.live === 'true' && document.querySelector('[data-testid="kpi-new-tickets-24h"]'));
    }
  }
  for (const p of pages) await watchKpis(p);
  // warm-up change, then count from a quiet point
  await insertTicket(ctx.admin, 'Bench Warm-up');
  await sleep(1500);
  const since = Date.now();
  const single: Row['single'] = [];
  for (let i = 0; i < SINGLES; i += 1) {
    await insertTicket(ctx.admin, `Bench Phone ${i}`);
    const t0 = Date.now();
    const { new_tickets_24h } = await kpis(ctx.reader);
    single.push(await untilAllShow(pages, `kpi-new-tickets-24h:${new_tickets_24h}`, t0));
    await sleep(700);
  }
  const order: Row['order'] = [];
  for (let i = 0; i < ORDERS; i += 1) {
    await insertPaidOrder(ctx.admin); // order, items, then paid: three requests
    const t0 = Date.now();
    const { total_revenue_cents } = await kpis(ctx.reader);
    order.push(await untilAllShow(pages, `kpi-total-revenue:${total_revenue_cents}`, t0));
    await sleep(700);
  }
  await sleep(500);
  const changes = SINGLES + ORDERS;
  // the bench's own reader is not a page: only the pages' requests are counted
  const rounds = probe.rpcCount('dashboard_sync', since) + probe.rpcCount('dashboard_kpis', since);
  const row: Row = {
    mode: mode === 'tabs' ? 'dashboard (shared tabs)' : 'naive baseline',
    tabs: n,
    sockets: probe.openSockets(),
    syncsPerChange: rounds / changes,
    rpcsPerChange: probe.rpcCount(undefined, since) / changes,
    single,
    order,
  };
  await context.close();
  return row;
}

async function main() {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const app = buildAppFor(appUrl);
  const naiveDir = mkdtempSync(join(tmpdir(), 'naive-live-'));
  await build({
    configFile: false,
    root: resolve(import.meta.dirname, 'naive-live'),
    base: './',
    logLevel: 'error',
    plugins: [react()],
    resolve: { alias: { '@': resolve(import.meta.dirname, '../src') } },
    build: { outDir: naiveDir, emptyOutDir: true },
  });
  const naive = await serveStatic(naiveDir);
  const stack = await startStack({ port, memory: true, serveApp: app.dir });
  const browser = await launchChromium();
  const admin = serviceClient(stack.url);
  const reader = await staffClient(stack.url, 'admin@example.com');
  const rows: Row[] = [];
  try {
    for (const mode of ['tabs', 'naive'] as const) {
      for (const n of TAB_COUNTS) {
        rows.push(await measure(mode, n, { browser, stack, admin, reader, appUrl, naiveUrl: naive.url }));
        console.error(`measured ${mode} × ${n}`);
      }
    }
  } finally {
    await browser.close();
    await stack.close();
    naive.server.close();
    rmSync(naiveDir, { recursive: true, force: true });
    app.remove();
  }
  const ms = (v: number) => `${Math.round(v)} ms`;
  const p = (xs: Array<{ first: number; all: number }>, k: 'first' | 'all') =>
    `${ms(pct(xs.map((x) => x[k]), 50))} / ${ms(pct(xs.map((x) => x[k]), 95))}`;
  console.log(
    `\nlive tabs, Chromium, local stack on PGlite (${SINGLES} single writes + ${ORDERS} three-request orders per row; commit = the last write's response, screen = the KPI's DOM update; p50 / p95)\n`,
  );
  console.log('| client | tabs | realtime sockets | sync rounds / change | RPC calls / change | single write, every tab | single write, first tab | 3-request order, every tab | 3-request order, first tab |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.mode} | ${r.tabs} | ${r.sockets} | ${r.syncsPerChange.toFixed(2)} | ${r.rpcsPerChange.toFixed(2)} | ${p(r.single, 'all')} | ${p(r.single, 'first')} | ${p(r.order, 'all')} | ${p(r.order, 'first')} |`,
    );
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

// Multi-tab benchmark, in Chromium against the real local stack: commit → screen in every tab of one
// browser, for 1, 3 and 5 tabs, with the leader tab visible and hidden, single writes and
// three-request orders, in both transports (the app is built once per transport). Also realtime
// sockets per browser and sync rounds per change, counted from the pages' own requests.
// `--naive` adds the naive baseline in bench/naive-live/ (every tab subscribes on its own and
// re-reads every RPC on every event, as generic live data providers do).
//
// Commit = the last write's response (an order is three requests: order, items, paid); screen = the
// KPI's DOM update, stamped in the page by a MutationObserver (same machine, same wall clock).
// "Leader hidden": the leader's tab gets a blank tab opened in front of it in its window, so its
// `document.visibilityState` is 'hidden' (checked and printed); followers are tabs of other windows.
// See bench/support/cdp-browser.ts for why the browser is launched by hand.
// "In the app" is the part from the leader's page receiving the change's last realtime message to
// every tab showing it (in-page clocks), i.e. without the server's and the transport's share.
// `--compare <checkout>` builds the app of another checkout too (e.g. `git archive` of the commit
// before a change, with node_modules linked) and measures both, row by row in turn.
// Usage: npm run bench:live [-- --quick] [-- --transports broadcast] [-- --tabs 1,3] [-- --naive]
//        [-- --compare ../before]
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Page } from 'playwright-core';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { ANON_KEY } from '../local-supabase/auth/keys.ts';
import { startStack, type Stack } from '../local-supabase/stack.ts';
import { freePort } from '../tests/e2e/support/free-port.ts';
import { insertPaidOrder, insertTicket, serviceClient, signIn, staffClient, waitForState } from '../tests/e2e/support/stack-helpers.ts';
import { probeContext } from '../tests/e2e/support/tab-probes.ts';
import { coverWithTab, launchCdpChromium, visibilityOf } from './support/cdp-browser.ts';

const ROOT = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const withNaive = process.argv.includes('--naive');
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SINGLES = quick ? 6 : 20;
const ORDERS = quick ? 4 : 12;
const TAB_COUNTS = (arg('--tabs') ?? '1,3,5').split(',').map(Number);
const TRANSPORTS = (arg('--transports') ?? 'broadcast,postgres_changes').split(',') as Array<'broadcast' | 'postgres_changes'>;
const GAP_MS = 700;
/** BENCH_TRACE=1 prints each order's timeline: deltas reaching the leader's socket, syncs, each tab's DOM */
const TRACE = Boolean(process.env.BENCH_TRACE);
/** another checkout (e.g. the commit before a change): its app is measured too, row by row in turn */
const COMPARE = arg('--compare');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** The production build for a stack at `url`, in a temporary folder. */
function buildApp(root: string, url: string, transport: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-app-'));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', dir, '--emptyOutDir'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, VITE_SUPABASE_URL: url, VITE_SUPABASE_ANON_KEY: ANON_KEY, VITE_LIVE_TRANSPORT: transport },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
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

async function buildNaive(): Promise<{ url: string; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'naive-live-'));
  await build({
    configFile: false,
    root: resolve(import.meta.dirname, 'naive-live'),
    base: './',
    logLevel: 'error',
    plugins: [react()],
    resolve: { alias: { '@': resolve(import.meta.dirname, '../src') } },
    build: { outDir: dir, emptyOutDir: true },
  });
  const served = await serveStatic(dir);
  return {
    url: served.url,
    close: () => {
      served.server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Records in the page when each KPI first shows each value (wall clock, as the bench's), and lets
 * the bench wait for a value without polling the page (polling 5 tabs every few ms is load of its
 * own). A string, so tsx's helpers (`__name`) do not leak into the page.
 */
const WATCH_KPIS = `(() => {
  window.__seen = {};
  const waiters = {};
  const scan = () => {
    for (const el of document.querySelectorAll('[data-testid^="kpi-"]')) {
      const key = el.getAttribute('data-testid') + ':' + el.getAttribute('data-value');
      if (key in window.__seen) continue;
      window.__seen[key] = Date.now();
      for (const resolve of waiters[key] || []) resolve(window.__seen[key]);
      delete waiters[key];
    }
  };
  window.__shown = (key) => key in window.__seen ? Promise.resolve(window.__seen[key]) : new Promise((resolve) => (waiters[key] = [...(waiters[key] || []), resolve]));
  scan();
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-value'] });
})()`;

/**
 * In every page before its scripts: when each realtime message carrying a change (a broadcast
 * delta or a postgres_changes push) arrives, wall clock, before the app's own handler runs.
 */
const WATCH_SOCKET = `(() => {
  window.__deltas = [];
  const Base = window.WebSocket;
  const text = new TextDecoder();
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = typeof e.data === 'string' ? e.data : e.data instanceof ArrayBuffer ? text.decode(e.data) : '';
        if (d.includes('delta') || d.includes('postgres_changes')) window.__deltas.push(Date.now());
      });
    }
  };
})()`;

/** Time until the first and until every tab shows `key`, from `t0`; and when each tab showed it. */
async function untilAllShow(pages: Page[], key: string, t0: number, timeoutMs = 20_000): Promise<{ first: number; all: number; at: number[] }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${key} did not reach every tab within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const at = await Promise.race([
      Promise.all(pages.map((p) => p.evaluate((k) => (window as unknown as { __shown(k: string): Promise<number> }).__shown(k), key))),
      timeout,
    ]);
    return { first: Math.min(...at) - t0, all: Math.max(...at) - t0, at };
  } finally {
    clearTimeout(timer);
  }
}

async function kpis(reader: SupabaseClient) {
  const { data, error } = await reader.rpc('dashboard_kpis');
  if (error) throw error;
  return data as { new_tickets_24h: number; total_revenue_cents: number };
}

type Sample = { first: number; all: number };
/** from the leader's page receiving the change's last message to every tab showing it: the app's own part */
interface Row {
  client: string;
  transport: string;
  tabs: number;
  leader: 'visible' | 'hidden' | '—';
  /** document.visibilityState of the leader's tab and of the others, read at the end of the row */
  leaderState: string;
  followerStates: string;
  sockets: number;
  syncsPerChange: number;
  single: Sample[];
  order: Sample[];
  /** the app's own part of each order (see inApp) */
  orderInApp: number[];
  singleInApp: number[];
  /** which build: this checkout, or --compare's */
  build: string;
}

interface Ctx {
  stack: Stack;
  admin: SupabaseClient;
  reader: SupabaseClient;
  appUrl: string;
  naiveUrl: string | null;
}

/** The last change message the leader's page got before any tab showed the figure, to every tab showing it. */
async function inApp(leaderPage: Page, shown: { at: number[] }, since: number): Promise<number> {
  const messages = await leaderPage.evaluate(() => (window as unknown as { __deltas: number[] }).__deltas);
  const first = Math.min(...shown.at);
  const last = messages.filter((t) => t >= since && t <= first).at(-1);
  return last === undefined ? NaN : Math.max(...shown.at) - last;
}

async function measure(client: 'dashboard' | 'naive', transport: string, n: number, leader: 'visible' | 'hidden', ctx: Ctx, build: string): Promise<Row> {
  const chromium = await launchCdpChromium();
  try {
    const probe = probeContext();
    const pages: Page[] = [];
    for (let i = 0; i < n; i += 1) {
      const page = probe.watch(await chromium.newWindow());
      await page.addInitScript(WATCH_SOCKET);
      pages.push(page);
      if (client === 'dashboard') {
        if (i === 0) await signIn(page, ctx.appUrl, 'admin@example.com');
        else await page.goto(`${ctx.appUrl}/`);
        await waitForState(page, ['live']);
        await page.waitForSelector('[data-testid="kpi-new-tickets-24h"]');
      } else {
        await page.goto(`${ctx.naiveUrl}/?url=${encodeURIComponent(ctx.stack.url)}&key=${ANON_KEY}`);
        await page.waitForFunction(() => document.body.dataset.live === 'true' && document.querySelector('[data-testid="kpi-new-tickets-24h"]'));
      }
    }
    if (client === 'dashboard' && probe.socketPage() !== pages[0]) throw new Error('the first tab is not the only one with a realtime socket (the leader)');
    if (leader === 'hidden') await coverWithTab(chromium.context, pages[0]!);

    for (const p of pages) await p.evaluate(WATCH_KPIS);
    // warm-up change, then count from a quiet point
    await insertTicket(ctx.admin, 'Bench Warm-up');
    await sleep(1500);
    const since = Date.now();
    const single: Sample[] = [];
    const singleInApp: number[] = [];
    for (let i = 0; i < SINGLES; i += 1) {
      const tFirst = Date.now();
      await insertTicket(ctx.admin, `Bench Phone ${i}`);
      const t0 = Date.now();
      const { new_tickets_24h } = await kpis(ctx.reader);
      const shown = await untilAllShow(pages, `kpi-new-tickets-24h:${new_tickets_24h}`, t0);
      single.push(shown);
      singleInApp.push(await inApp(pages[0]!, shown, tFirst));
      await sleep(GAP_MS);
    }
    const order: Sample[] = [];
    const orderInApp: number[] = [];
    for (let i = 0; i < ORDERS; i += 1) {
      const tFirst = Date.now();
      await insertPaidOrder(ctx.admin); // order, items, then paid: three requests
      const t0 = Date.now();
      const { total_revenue_cents } = await kpis(ctx.reader);
      const key = `kpi-total-revenue:${total_revenue_cents}`;
      const shown = await untilAllShow(pages, key, t0);
      order.push(shown);
      orderInApp.push(await inApp(pages[0]!, shown, tFirst));
      if (TRACE) {
        const frames = await pages[0]!.evaluate(() => (window as unknown as { __deltas: number[] }).__deltas);
        const rel = (t: number) => `${t - t0 >= 0 ? '+' : ''}${t - t0}`;
        console.error(
          `  order ${i} (first request ${rel(tFirst)}): deltas at the leader ${frames.filter((t) => t >= tFirst).map(rel).join(', ')};` +
            ` syncs ${probe.rpcs.filter((r) => r.at >= tFirst && r.fn === 'dashboard_sync').map((r) => rel(r.at)).join(', ') || 'none'};` +
            ` shown ${shown.at.map(rel).join(', ')}`,
        );
      }
      await sleep(GAP_MS);
    }
    const leaderState = await visibilityOf(pages[0]!);
    const followerStates = [...new Set(await Promise.all(pages.slice(1).map(visibilityOf)))].join('/') || '—';
    if (leader === 'hidden' && leaderState !== 'hidden') throw new Error(`the leader's tab should be hidden, it is ${leaderState}`);
    await sleep(500);
    // the bench's own reader is not a page: only the pages' requests are counted
    const rounds = probe.rpcCount('dashboard_sync', since) + probe.rpcCount('dashboard_kpis', since);
    return {
      client: client === 'dashboard' ? 'dashboard (shared tabs)' : 'naive baseline',
      transport: client === 'dashboard' ? transport : '—',
      tabs: n,
      leader: client === 'dashboard' ? leader : '—',
      leaderState,
      followerStates,
      sockets: probe.openSockets(),
      syncsPerChange: rounds / (SINGLES + ORDERS),
      single,
      order,
      singleInApp,
      orderInApp,
      build,
    };
  } finally {
    await chromium.close();
  }
}

interface Build {
  name: string;
  root: string;
}

async function main() {
  const rows: Row[] = [];
  const naive = withNaive ? await buildNaive() : null;
  const builds: Build[] = [{ name: 'this checkout', root: ROOT }];
  if (COMPARE) builds.unshift({ name: `--compare ${COMPARE}`, root: resolve(COMPARE) });
  try {
    for (const transport of TRANSPORTS) {
      const served: Array<{ build: Build; ctx: Ctx; close: () => Promise<void> }> = [];
      try {
        for (const build of builds) {
          const port = await freePort();
          const appUrl = `http://127.0.0.1:${port}`;
          const app = buildApp(build.root, appUrl, transport);
          const stack = await startStack({ port, memory: true, serveApp: app.dir });
          const ctx: Ctx = { stack, admin: serviceClient(stack.url), reader: await staffClient(stack.url, 'admin@example.com'), appUrl, naiveUrl: naive?.url ?? null };
          served.push({ build, ctx, close: async () => (await stack.close(), app.remove()) });
        }
        for (const n of TAB_COUNTS) {
          for (const leader of ['visible', 'hidden'] as const) {
            // the builds in turn, row by row, so that both see the same machine
            for (const { build, ctx } of served) {
              rows.push(await measure('dashboard', transport, n, leader, ctx, build.name));
              console.error(`measured ${transport} × ${n} tabs, leader ${leader} (${build.name})`);
            }
          }
        }
        if (naive && transport === TRANSPORTS[0]) {
          for (const n of TAB_COUNTS) rows.push(await measure('naive', transport, n, 'visible', served[0]!.ctx, 'naive'));
        }
      } finally {
        for (const s of served) await s.close();
      }
    }
  } finally {
    naive?.close();
  }
  const ms = (v: number) => `${Math.round(v)}`;
  const p = (xs: Sample[], k: keyof Sample) => q(xs.map((x) => x[k]));
  const q = (xs: number[]) => {
    const known = xs.filter((x) => !Number.isNaN(x));
    return known.length === 0 ? '—' : `${ms(pct(known, 50))} / ${ms(pct(known, 95))}`;
  };
  console.log(
    `\nlive tabs, Chromium${quick ? ' (quick)' : ''}, local stack on PGlite: ${SINGLES} single writes + ${ORDERS} three-request orders per row;` +
      ` commit = the last write's response, screen = the KPI's DOM update; p50 / p95 in ms\n`,
  );
  console.log(
    '"in the app" = from the leader\'s page receiving the change\'s last realtime message to every tab showing it (both in-page clocks).\n',
  );
  const compared = builds.length > 1;
  console.log(
    `| client |${compared ? ' build |' : ''} transport | tabs | leader tab (visibilityState: leader; others) | realtime sockets | sync rounds / change | single write, every tab | single write, first tab | single write, in the app | 3-request order, every tab | 3-request order, first tab | 3-request order, in the app |`,
  );
  console.log(`|${' --- |'.repeat(compared ? 13 : 12)}`);
  for (const r of rows) {
    console.log(
      `| ${r.client} |${compared ? ` ${r.build} |` : ''} ${r.transport} | ${r.tabs} | ${r.leader} (${r.leaderState}; ${r.followerStates}) | ${r.sockets} | ${r.syncsPerChange.toFixed(2)} | ${p(r.single, 'all')} | ${p(r.single, 'first')} | ${q(r.singleInApp)} | ${p(r.order, 'all')} | ${p(r.order, 'first')} | ${q(r.orderInApp)} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

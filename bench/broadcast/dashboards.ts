// Simulated dashboards for bench/broadcast-compare.ts, each with its own real supabase-js client
// and socket, signed in as a staff user:
//   engine — the real live engine (src/live/engine.ts) with its stores, in postgres_changes or
//            broadcast transport ("screen" = the dashboard store, updated once per 16 ms frame);
//   naive  — the Node equivalent of bench/naive-live/: postgres_changes on the four tables and
//            every RPC re-read on every event (no coalescing, no cursor).
// Each records when its store first showed each activity row, and exposes what it shows.
import WebSocket from 'ws';
import { liveApi } from '../../src/app/live-api.ts';
import { getActivityFeed } from '../../src/features/activity/api/get-activity-feed.ts';
import { parseKpis } from '../../src/features/metrics/api/get-kpis.ts';
import { getRevenueSeries } from '../../src/features/metrics/api/get-revenue-series.ts';
import { createSupabaseClient, type AppSupabaseClient } from '../../src/lib/supabase.ts';
import { createLiveEngine } from '../../src/live/engine.ts';
import type { LiveEngine } from '../../src/live/engine-interface.ts';
import { DEFAULT_LIVE_OPTIONS, type LiveEngineOptions } from '../../src/live/engine-options.ts';
import { transportFor } from '../../src/live/transport/transport-for.ts';
import { revenueWindow } from '../../src/live/revenue-window.ts';
import { createConnectionStore } from '../../src/live/stores/connection-store.ts';
import { createDashboardStore } from '../../src/live/stores/dashboard-store.ts';
import { createSessionStore } from '../../src/live/stores/session-store.ts';
import type { ActivityItem, KpiValues, RevenuePoint, TicketStatusCount } from '../../src/live/types.ts';

export type Transport = 'postgres_changes' | 'broadcast';
export type Mode = Transport | 'naive';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RPC calls made by the dashboards' clients (counted from their own requests), by function name. */
export class RpcCounter {
  readonly byName = new Map<string, number>();
  total = 0;
  readonly fetch: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const m = /\/rest\/v1\/rpc\/([a-z_]+)/.exec(url);
    if (m) {
      this.total++;
      this.byName.set(m[1]!, (this.byName.get(m[1]!) ?? 0) + 1);
    }
    return fetch(input, init);
  };
}

/** What a dashboard shows, in the shapes the checks compare. */
export interface DashboardView {
  kpis: KpiValues | null;
  /** feed ids, newest first */
  feedIds: number[];
  revenue: RevenuePoint[] | null;
  /** null where the dashboard has no such card (the naive baseline) */
  ticketStatus: TicketStatusCount[] | null;
}

export interface Dashboard {
  mode: Mode;
  /** activity id → performance.now() when this dashboard's store first showed the row */
  seen: Map<number, number>;
  view(): DashboardView;
  /** nothing in flight (engine: no sync running or queued; naive: no read outstanding) */
  idle(): boolean;
  /** engine counters (connection store): syncs made, pushes received, payloads dropped */
  counters(): { syncs: number; events: number; dropped: number };
  close(): Promise<void>;
}

export interface DashboardTarget {
  url: string;
  anonKey: string;
  counter: RpcCounter;
}

function newClient(t: DashboardTarget): AppSupabaseClient {
  return createSupabaseClient(t.url, t.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    global: { fetch: t.counter.fetch },
  });
}

function values(k: KpiValues): KpiValues {
  return { totalRevenueCents: k.totalRevenueCents, productsSold: k.productsSold, ordersCount: k.ordersCount, activeRepairs: k.activeRepairs, newTickets24h: k.newTickets24h };
}

function noteSeen(seen: Map<number, number>, items: readonly ActivityItem[]) {
  const now = performance.now();
  for (const it of items) if (!seen.has(it.id)) seen.set(it.id, now);
}

async function until(cond: () => boolean, timeoutMs: number, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

/** Whether this checkout's engine has the broadcast transport (issue 12, part 3). */
export function engineHasBroadcast(): boolean {
  return 'transport' in DEFAULT_LIVE_OPTIONS;
}

export async function openEngineDashboard(t: DashboardTarget, email: string, password: string, transport: Transport): Promise<Dashboard> {
  const client = newClient(t);
  const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
  const options: Partial<LiveEngineOptions> = { transport };
  const engine: LiveEngine = createLiveEngine({ client, api: liveApi, stores, options, transportFor });
  const seen = new Map<number, number>();
  const unsub = stores.dashboard.subscribe((s, prev) => {
    if (s.feed.items !== prev.feed.items) noteSeen(seen, s.feed.items);
  });
  engine.start();
  await until(() => stores.session.getState().status !== 'loading', 10_000, 'session restore');
  let error: string | null = 'not tried';
  for (let i = 0; i < 3 && error; i++) ({ error } = await engine.signIn(email, password));
  if (error) throw new Error(`${email}: ${error}`);
  await until(() => stores.connection.getState().state === 'live', 60_000, `${email} live (${transport})`);
  noteSeen(seen, stores.dashboard.getState().feed.items);
  return {
    mode: transport,
    seen,
    view() {
      const d = stores.dashboard.getState();
      return {
        kpis: d.kpis.data ? values(d.kpis.data) : null,
        feedIds: d.feed.items.map((i) => i.id),
        revenue: d.revenue.data,
        ticketStatus: d.ticketStatus.data,
      };
    },
    idle: () => engine.isIdle(),
    counters() {
      const c = stores.connection.getState();
      return { syncs: c.syncsMade, events: c.eventsReceived, dropped: c.droppedPayloads };
    },
    async close() {
      unsub();
      engine.stop();
      await client.removeAllChannels();
      client.realtime.disconnect();
    },
  };
}

const TABLES = ['tickets', 'orders', 'customers', 'products'] as const;
/** bench/naive-live reads 20 feed rows */
export const NAIVE_FEED_LIMIT = 20;

export async function openNaiveDashboard(t: DashboardTarget, email: string, password: string): Promise<Dashboard> {
  const client = newClient(t);
  const seen = new Map<number, number>();
  let kpis: KpiValues | null = null;
  let revenue: RevenuePoint[] | null = null;
  let feedIds: number[] = [];
  let inFlight = 0;
  let closed = false;
  const read = <T>(p: PromiseLike<T>, apply: (v: T) => void) => {
    inFlight++;
    Promise.resolve(p).then(
      (v) => {
        if (!closed) apply(v);
      },
      () => undefined,
    ).finally(() => inFlight--);
  };
  const refetchAll = () => {
    if (closed) return;
    read(client.rpc('dashboard_kpis'), ({ data, error }) => {
      if (!error) kpis = values(parseKpis(data).kpis);
    });
    read(getRevenueSeries(client, revenueWindow('7d', Date.now())), (points) => (revenue = points));
    read(client.rpc('ticket_aging'), () => undefined);
    read(getActivityFeed(client, { limit: NAIVE_FEED_LIMIT }), (page) => {
      noteSeen(seen, page.items);
      feedIds = page.items.map((i) => i.id);
    });
  };
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`${email}: ${error.message}`);
  let subscribed = 0;
  for (const table of TABLES) {
    client
      .channel(`naive-${table}`)
      .on('postgres_changes', { event: '*', schema: 'public', table }, refetchAll)
      .subscribe((status) => {
        if (status === 'SUBSCRIBED') subscribed++;
      });
  }
  await until(() => subscribed === TABLES.length, 60_000, `${email} naive subscriptions`);
  refetchAll();
  await until(() => inFlight === 0 && kpis !== null, 30_000, `${email} naive first read`);
  return {
    mode: 'naive',
    seen,
    view: () => ({ kpis, feedIds, revenue, ticketStatus: null }),
    idle: () => inFlight === 0,
    counters: () => ({ syncs: 0, events: 0, dropped: 0 }),
    async close() {
      closed = true;
      await client.removeAllChannels();
      client.realtime.disconnect();
    },
  };
}

import { ApiError, errorMessage, isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { ConnectionEvent } from './connection-machine';
import type { DashboardAction, DashboardData } from './dashboard-reducer';
import { ALL_PARTS, failedAction, type LiveEngineOptions } from './engine-options';
import type { LiveEnvironment, TimerHandle } from './environment';
import type { LiveApi } from './live-api';
import { revenueWindow } from './revenue-window';
import type { DashboardPart, RevenueRange, StaffRole } from './types';

export interface CatchUpDeps {
  api: LiveApi;
  client: AppSupabaseClient;
  env: LiveEnvironment;
  opts: LiveEngineOptions;
  read(): DashboardData;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  role(): StaffRole;
  realtimeReady(): boolean;
  isLive(): boolean;
  /** PostgREST refused the JWT: refresh the session (and request a catch-up when that worked) */
  onUnauthorized(): void;
}

type PartResult = 'ok' | 'error' | 'network';

/**
 * Brings the dashboard up to date from the cursor. Every push, poll and timer only marks parts
 * dirty; one catch-up runs at a time, at most one per minSyncIntervalMs, so bursts coalesce and
 * the RPC rate stays bounded whatever the event rate.
 */
export function createCatchUp(deps: CatchUpDeps) {
  const { api, client, env, opts, act, signal } = deps;
  const dirty = new Set<DashboardPart>();
  /** false while buffering: before the channels are confirmed, requests only mark parts dirty */
  let enabled = false;
  let syncing = false;
  let timer: TimerHandle | null = null;
  let lastStartedAt = Number.NEGATIVE_INFINITY;
  let pendingCommitTs: number | null = null;
  /** bumped by stop(): answers from before are dropped */
  let epoch = 0;
  let readyGeneration = 0;
  let pendingReady: number | null = null;
  let feedLoaded = false;
  let feedCap = opts.feedCap;
  let feedEpoch = 0;
  let lastKpiCursor = 0;
  let lastKpisAt = Number.NEGATIVE_INFINITY;
  /** set once the server rejected the viewer's zone: day buckets are UTC days for the rest of the session */
  let revenueTz: string | null = null;

  function request(parts: Iterable<DashboardPart>, soon = false) {
    for (const part of parts) dirty.add(part);
    if (!enabled) return;
    if (soon && timer !== null && !syncing) {
      env.clearTimeout(timer);
      timer = null;
    }
    schedule();
  }

  function schedule() {
    if (!enabled || syncing || timer !== null || dirty.size === 0) return;
    const wait = Math.max(0, lastStartedAt + opts.minSyncIntervalMs - env.now());
    timer = env.setTimeout(() => {
      timer = null;
      void run();
    }, wait);
  }

  async function run() {
    if (!enabled || syncing || dirty.size === 0) return;
    syncing = true;
    lastStartedAt = env.now();
    const myEpoch = epoch;
    const parts = new Set(dirty);
    dirty.clear();
    const commitTs = pendingCommitTs;
    pendingCommitTs = null;
    const readyAtStart = pendingReady !== null && deps.realtimeReady() ? pendingReady : null;
    const full = ALL_PARTS.every((p) => parts.has(p));

    const results = new Map<DashboardPart, PartResult>();
    await Promise.all([...parts].map(async (part) => results.set(part, await fetchPart(part, myEpoch))));
    if (epoch !== myEpoch) return;
    syncing = false;

    if ([...results.values()].includes('network')) {
      signal({ type: 'unreachable', at: env.now(), error: 'Cannot reach the server' });
    } else {
      // live only after a full catch-up that started once every channel was confirmed
      const nowReady = full && readyAtStart !== null && readyAtStart === pendingReady && deps.realtimeReady();
      if (nowReady) pendingReady = null;
      signal({ type: 'caught-up', at: env.now(), realtimeReady: nowReady || (deps.isLive() && deps.realtimeReady()) });
      if (commitTs !== null && results.get('feed') === 'ok') signal({ type: 'commit-to-screen', ms: env.now() - commitTs });
      // the channels came back while this ran: catch up once more before going live
      if (pendingReady !== null && deps.realtimeReady()) for (const p of ALL_PARTS) dirty.add(p);
    }
    if (commitTs !== null && results.get('feed') !== 'ok') pendingCommitTs = Math.max(pendingCommitTs ?? 0, commitTs);
    schedule();
  }

  async function fetchPart(part: DashboardPart, myEpoch: number): Promise<PartResult> {
    try {
      switch (part) {
        case 'kpis': {
          const snapshot = await api.getKpis(client);
          if (epoch !== myEpoch) return 'ok';
          lastKpisAt = env.now();
          act({ type: 'kpis/loaded', kpis: snapshot.kpis });
          // activity we heard nothing about (a missed event): read the feed too
          if (snapshot.cursor > lastKpiCursor) {
            lastKpiCursor = snapshot.cursor;
            if (feedLoaded && snapshot.cursor > deps.read().cursor) request(['feed']);
          }
          return 'ok';
        }
        case 'ticketStatus': {
          const rows = await api.getTicketStatusBreakdown(client);
          if (epoch === myEpoch) act({ type: 'ticketStatus/loaded', rows });
          return 'ok';
        }
        case 'revenue': {
          if (deps.role() === 'support') {
            act({ type: 'revenue/unavailable' });
            return 'ok';
          }
          const range = deps.read().revenue.range;
          const points = await fetchRevenue(range);
          if (epoch === myEpoch) act({ type: 'revenue/loaded', range, points, now: env.now() });
          return 'ok';
        }
        case 'feed':
          await fetchFeed(myEpoch);
          return 'ok';
      }
    } catch (error) {
      return epoch === myEpoch ? partFailed(part, error) : 'ok';
    }
  }

  /**
   * A browser can name a zone the server's tzdata does not know (revenue_series raises 22023
   * 'unknown time zone'); one retry in UTC keeps the chart up instead of stuck in an error.
   */
  async function fetchRevenue(range: RevenueRange) {
    const window = revenueWindow(range, env.now());
    const params = revenueTz === null ? window : { ...window, tz: revenueTz };
    try {
      return await api.getRevenueSeries(client, params);
    } catch (error) {
      if (params.tz === 'UTC' || !isUnknownTimeZone(error)) throw error;
      revenueTz = 'UTC';
      return api.getRevenueSeries(client, { ...params, tz: 'UTC' });
    }
  }

  function partFailed(part: DashboardPart, error: unknown): PartResult {
    const network = isNetworkError(error);
    const message = network ? 'Cannot reach the server' : errorMessage(error);
    if (!network) signal({ type: 'rpc-error', error: `${part}: ${message}` });
    if (error instanceof ApiError && error.status === 401) deps.onUnauthorized();
    const data = deps.read();
    const hasData = part === 'feed' ? data.feed.status === 'ready' : data[part].data !== null;
    // offline with something on screen: keep it; the connection state tells the user
    if (!network || !hasData) act(failedAction(part, message, data.revenue.range));
    return network ? 'network' : 'error';
  }

  async function fetchFeed(myEpoch: number) {
    if (!feedLoaded) {
      await feedSnapshot(myEpoch);
      return;
    }
    const cursor = deps.read().cursor;
    const page = await api.getActivityFeed(client, { after: cursor, limit: opts.catchUpPageSize });
    if (epoch !== myEpoch) return;
    if (page.skipped > 0) signal({ type: 'payload-dropped', count: page.skipped });
    if (page.rowCount >= opts.catchUpPageSize) {
      // further behind than the feed can show: its newest page is the whole answer
      await feedSnapshot(myEpoch);
      return;
    }
    act({ type: 'feed/caught-up', items: page.items, cursor: page.maxId ?? cursor, cap: feedCap });
  }

  async function feedSnapshot(myEpoch: number) {
    const limit = Math.min(opts.feedCap, 500);
    const page = await api.getActivityFeed(client, { limit });
    if (epoch !== myEpoch) return;
    if (page.skipped > 0) signal({ type: 'payload-dropped', count: page.skipped });
    feedCap = opts.feedCap;
    feedLoaded = true;
    act({ type: 'feed/snapshot', items: page.items, cursor: page.maxId ?? 0, hasMore: page.rowCount >= limit, cap: feedCap });
  }

  async function loadOlder() {
    const feed = deps.read().feed;
    const oldest = feed.items.at(-1);
    if (feed.loadingOlder || !feed.hasMore || feed.status !== 'ready' || !oldest) return;
    const mine = feedEpoch;
    act({ type: 'feed/older-loading' });
    try {
      const page = await api.getActivityFeed(client, { before: oldest.id, limit: opts.olderPageSize });
      if (mine !== feedEpoch) return;
      const shown = deps.read().feed.items.length + page.items.length;
      feedCap = Math.min(opts.maxFeedCap, Math.max(feedCap, shown));
      act({ type: 'feed/older-loaded', items: page.items, hasMore: page.rowCount >= opts.olderPageSize && shown <= opts.maxFeedCap, cap: feedCap });
    } catch (error) {
      if (mine !== feedEpoch) return;
      const message = errorMessage(error);
      if (!isNetworkError(error)) signal({ type: 'rpc-error', error: `feed: ${message}` });
      act({ type: 'feed/older-failed', error: message });
    }
  }

  return {
    request,
    /** polling or confirmed channels: requests now run */
    enable() {
      enabled = true;
      schedule();
    },
    /** every channel is confirmed: one full catch-up from the cursor, then live */
    realtimeReady() {
      readyGeneration += 1;
      pendingReady = readyGeneration;
      enabled = true;
      request(ALL_PARTS, true);
    },
    /** the newest commit among the pushes waiting for the next catch-up (commit-to-screen delay) */
    noteCommit(commitTs: number) {
      pendingCommitTs = Math.max(pendingCommitTs ?? 0, commitTs);
    },
    /** one part now, outside the schedule (paused dashboard: range change, retry) */
    fetchNow(part: DashboardPart) {
      void fetchPart(part, epoch);
    },
    loadOlder,
    lastKpisAt: () => lastKpisAt,
    isIdle: () => !syncing && timer === null && (dirty.size === 0 || !enabled),
    /** pause, sign-out, stop: nothing runs, late answers are dropped; the cursor is kept */
    stop() {
      epoch += 1;
      enabled = false;
      syncing = false;
      if (timer !== null) env.clearTimeout(timer);
      timer = null;
      dirty.clear();
      pendingCommitTs = null;
      pendingReady = null;
    },
    /** signed out: the next session starts from a fresh snapshot */
    forgetFeed() {
      feedEpoch += 1;
      feedLoaded = false;
      feedCap = opts.feedCap;
      lastKpiCursor = 0;
    },
  };
}

function isUnknownTimeZone(error: unknown): boolean {
  return error instanceof ApiError && error.code === '22023' && /unknown time zone/i.test(error.message);
}

export type CatchUp = ReturnType<typeof createCatchUp>;

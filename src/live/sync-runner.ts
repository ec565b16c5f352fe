import { ApiError, errorMessage, isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveEngineOptions } from './engine-options';
import { olderPageAnchor } from './feed-window';
import type { LiveApi } from './live-api';
import { revenueWindow } from './revenue-window';
import type { SyncOutcome, SyncPurpose } from './sync-loop';
import type { SyncHooks } from './transport/transport';
import type { ConnectionEvent, LiveConnection, LiveEnvironment, OlderPage, RevenueRange, StaffRole, SyncParams, SyncSnapshot } from './types';
import type { DashboardAction, DashboardData } from './dashboard-data';

export interface SyncRunnerDeps {
  api: LiveApi;
  client: AppSupabaseClient;
  env: LiveEnvironment;
  opts: LiveEngineOptions;
  read(): DashboardData;
  conn(): LiveConnection;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  role(): StaffRole;
  /** the channels are all ready right now */
  realtimeReady(): boolean;
  isCurrent(generation: number): boolean;
  /** sync again as soon as the scheduler allows */
  markDirty(): void;
  /** syncs run now (false while paused or before the channels are confirmed) */
  canSync(): boolean;
  /** paused: one request outside the schedule (it still waits for any request in flight) */
  requestOnce(purpose: Exclude<SyncPurpose, { kind: 'loop' }>): void;
  /** PostgREST refused the JWT: refresh the session (then sync again) */
  onUnauthorized(): void;
  /** the transport: what it applied meanwhile decides whether an answer is newer than what is held */
  hooks: SyncHooks;
  /** an answer changed the revenue series (not merely re-sent it) */
  onRevenueReplaced?(): void;
}

const LOOP: SyncPurpose = { kind: 'loop' };

/** An older page waiting for the next sync to confirm the log's epoch did not change under it. */
interface PendingOlder {
  page: OlderPage;
  /** order of events, not time: two clock readings can be equal */
  receivedTick: number;
}

/** How a sync answer lands on the held state. */
export function syncMode(params: SyncParams, sync: SyncSnapshot): { replace: boolean; hasMore: boolean; snapshotNext: boolean } {
  // ids went back without a new epoch: nothing held can be trusted
  const wentBack = params.after !== null && sync.cursor < params.after;
  // a fresh snapshot: asked for, or the server's reset (it then ignores p_after and sends the newest rows)
  if (params.after === null || sync.reset) return { replace: true, hasMore: !sync.feedComplete, snapshotNext: false };
  if (wentBack) {
    // only rows above p_after were sent, and the new log's rows at or below it never were: snapshot next
    return { replace: true, hasMore: true, snapshotNext: true };
  }
  if (!sync.feedComplete) return { replace: true, hasMore: true, snapshotNext: false };
  return { replace: false, hasMore: false, snapshotNext: false };
}

/**
 * One dashboard_sync call → the whole held state: the feed window, KPIs, ticket statuses, ticket
 * aging and revenue come from one snapshot, so a missed event is repaired everywhere at once.
 */
export function createSyncRunner(deps: SyncRunnerDeps) {
  const { api, client, env, opts, act, signal } = deps;
  let snapshotNext = false;
  /** the delta intake saw the numbering go back: the next request asks for a fresh snapshot */
  let freshOwed = false;
  let pendingCommitTs: number | null = null;
  let pendingOlder: PendingOlder | null = null;
  let olderRetries = 0;
  let feedCap = opts.feedCap;
  let lastOkAt = Number.NEGATIVE_INFINITY;
  /** bumped by stop() and forget(): a paused request's late answer is dropped */
  let detached = 0;
  /** local order of sync starts and older pages' arrivals (not a delta's seq) */
  let tick = 0;
  /** set once the server rejected the viewer's zone: day buckets are UTC days for the rest of the session */
  let revenueTz: string | null = null;

  function params(): SyncParams {
    const data = deps.read();
    const range = data.revenue.range;
    const window = revenueWindow(range, env.now());
    const admin = deps.role() === 'admin';
    const after = snapshotNext || freshOwed || data.epoch === null ? null : data.cursor;
    return {
      after,
      afterAt: after === null ? null : (data.feed.items.find((i) => i.id === after)?.occurredAt ?? null),
      epoch: data.epoch,
      limit: opts.syncPageSize,
      revenueFrom: admin ? window.from : null,
      bucket: window.bucket,
      tz: window.bucket === 'hour' ? 'UTC' : (revenueTz ?? window.tz),
    };
  }

  async function call(p: SyncParams): Promise<SyncSnapshot> {
    try {
      return await api.syncDashboard(client, p);
    } catch (error) {
      // a browser can name a zone the server's tzdata does not know: one retry in UTC keeps the chart
      if (p.tz === 'UTC' || !isUnknownTimeZone(error)) throw error;
      revenueTz = 'UTC';
      return api.syncDashboard(client, { ...p, tz: 'UTC' });
    }
  }

  /**
   * The one place that calls dashboard_sync, whatever the purpose (sync-loop.ts keeps it to one
   * request in flight): the schedule's sync (`loop`) lands everything; a paused view asks for one
   * answer to a retry or a new range (`paused`), or only whether the log's epoch still holds so that
   * an older page may join (`confirm`). A late answer (its generation or pause is over) is dropped.
   */
  async function run(generation: number, purpose: SyncPurpose = LOOP): Promise<SyncOutcome> {
    const loop = purpose.kind === 'loop';
    const pausedAt = detached;
    const current = () => (loop ? deps.isCurrent(generation) : pausedAt === detached);
    const p = params();
    const held = deps.read();
    const range = held.revenue.range;
    const conn = deps.conn();
    const mark = loop && conn.realtime === 'ready' && deps.realtimeReady() ? conn.readyMark : null;
    const commitTs = loop ? pendingCommitTs : null;
    if (loop) pendingCommitTs = null;
    const fresh = loop && freshOwed;
    if (loop) freshOwed = false;
    const startedTick = ++tick;
    const sentTick = deps.hooks.sent();
    let sync: SyncSnapshot;
    try {
      sync = await call(p);
    } catch (error) {
      if (!current()) return 'ok';
      if (purpose.kind === 'confirm') {
        pendingOlder = null;
        act({ type: 'feed/older-failed', error: errorMessage(error) });
        return 'ok';
      }
      failed(error);
      if (!loop) return 'ok';
      if (commitTs !== null) pendingCommitTs = Math.max(pendingCommitTs ?? 0, commitTs);
      freshOwed ||= fresh;
      return 'failed';
    }
    if (!current()) return 'ok';
    if (purpose.kind === 'confirm') {
      // paused: applying the answer would unfreeze the view; it only says whether the epoch held
      if (!sync.reset && sync.epoch === held.epoch) landOlder(Number.POSITIVE_INFINITY, false);
      else {
        pendingOlder = null;
        act({ type: 'feed/older-cancelled' });
      }
      return 'ok';
    }
    if (purpose.kind === 'paused') {
      // `revenueOnly` keeps the paused view frozen except for the chart that was asked for
      if (!purpose.revenueOnly) land(p, sync, range, sentTick);
      else if (sync.revenue !== null) act({ type: 'revenue/loaded', range, points: sync.revenue, now: env.now() });
      return 'ok';
    }
    const taken = land(p, sync, range, sentTick);
    signal({ type: 'sync-ok', at: env.now(), mark });
    if (commitTs !== null) signal({ type: 'commit-to-screen', ms: env.now() - commitTs });
    landOlder(startedTick, taken && (sync.reset || syncMode(p, sync).replace));
    if (snapshotNext) deps.markDirty();
    return 'ok';
  }

  /**
   * The one rule for an answer (docs/delta-contract.md), whichever run sent it: it becomes the base
   * and the deltas kept since are applied on it again; only when the held state is provably newer
   * (and exact) does what is held stay. True when it was taken.
   */
  function land(p: SyncParams, sync: SyncSnapshot, range: RevenueRange, sentTick: number): boolean {
    const taken = deps.hooks.landed(p, sync, sentTick) === 'take';
    if (taken) {
      apply(p, sync, range);
      deps.hooks.afterTaken();
    } else keepNewer(sync, range);
    return taken;
  }

  function apply(p: SyncParams, sync: SyncSnapshot, range: RevenueRange) {
    const mode = syncMode(p, sync);
    snapshotNext = mode.snapshotNext;
    if (mode.replace) feedCap = opts.feedCap;
    if (sync.feed.skipped > 0) signal({ type: 'payload-dropped', count: sync.feed.skipped });
    const before = deps.read().revenue;
    act({ type: 'sync/applied', sync, replace: mode.replace, hasMore: mode.hasMore, cap: feedCap, range, now: env.now() });
    lastOkAt = env.monotonic();
    const after = deps.read().revenue;
    if (after.data !== null && (after.range !== before.range || JSON.stringify(after.data) !== JSON.stringify(before.data))) deps.onRevenueReplaced?.();
  }

  /**
   * Deltas applied since this sync was sent moved further than its snapshot, and the ones kept no
   * longer lead back to it: what is held stays (it is exact).
   * Only a revenue series still loading (a new range) is taken from it, since every delta applied
   * meanwhile had no revenue (one with revenue cannot be applied to a series not held).
   */
  function keepNewer(sync: SyncSnapshot, range: RevenueRange) {
    lastOkAt = env.monotonic();
    const revenue = deps.read().revenue;
    if (sync.revenue !== null && revenue.range === range && revenue.data === null && revenue.status !== 'ready') {
      act({ type: 'revenue/loaded', range, points: sync.revenue, now: env.now() });
      deps.onRevenueReplaced?.();
    }
  }

  function failed(error: unknown) {
    const network = isNetworkError(error);
    const message = network ? 'Cannot reach the server' : errorMessage(error);
    signal({ type: 'sync-failed', at: env.now(), error: network ? message : `sync: ${message}`, network });
    act({ type: 'sync/failed', error: message, network });
    if (error instanceof ApiError && error.status === 401) deps.onUnauthorized();
  }

  /** An older page joins only after a sync that started once it had arrived saw the same epoch. */
  function landOlder(syncStartedTick: number, replaced: boolean) {
    const pending = pendingOlder;
    if (pending === null || pending.receivedTick > syncStartedTick) return;
    pendingOlder = null;
    if (replaced) return; // a new window (reset or snapshot): the page belonged to the old one
    const feed = deps.read().feed;
    feedCap = Math.min(opts.maxFeedCap, Math.max(feedCap, feed.items.length + pending.page.rows.length));
    act({ type: 'feed/older-loaded', page: pending.page, cap: feedCap });
    if (!deps.read().feed.loadingOlder) {
      olderRetries = 0;
      return;
    }
    // the window moved while the page was under way (trimmed by new rows): ask again from its new end
    if (olderRetries < 3) {
      olderRetries += 1;
      void fetchOlder();
    } else {
      olderRetries = 0;
      act({ type: 'feed/older-failed', error: 'The feed kept moving; try again' });
    }
  }

  async function fetchOlder() {
    const data = deps.read();
    const before = olderPageAnchor(data.feed, data.cursor);
    const generation = data.feed.generation;
    try {
      const page = await api.getActivityFeed(client, { before, limit: opts.olderPageSize });
      if (deps.read().feed.generation !== generation || !deps.read().feed.loadingOlder) return;
      pendingOlder = {
        page: { before, generation, rows: page.items, full: page.rowCount >= opts.olderPageSize },
        receivedTick: ++tick,
      };
      // paused: no scheduled sync will come; one request learns whether the epoch still holds
      if (deps.canSync()) deps.markDirty();
      else deps.requestOnce({ kind: 'confirm' });
    } catch (error) {
      if (deps.read().feed.generation !== generation) return;
      const message = errorMessage(error);
      if (!isNetworkError(error)) signal({ type: 'rpc-error', error: `feed: ${message}` });
      act({ type: 'feed/older-failed', error: message });
    }
  }

  return {
    run,
    loadOlder() {
      const feed = deps.read().feed;
      if (feed.loadingOlder || !feed.hasMore || feed.status !== 'ready') return;
      act({ type: 'feed/older-loading' });
      olderRetries = 0;
      void fetchOlder();
    },
    /** the newest commit among the pushes waiting for the next sync (commit-to-screen delay) */
    noteCommit(commitTs: number) {
      pendingCommitTs = Math.max(pendingCommitTs ?? 0, commitTs);
    },
    lastOkAt: () => lastOkAt,
    /** the feed window's cap (older pages raise it up to maxFeedCap) */
    feedCap: () => feedCap,
    /** a delta replaced the window (more rows than it holds): the cap starts again */
    resetFeedCap() {
      feedCap = opts.feedCap;
    },
    /** the numbering of deltas went back (restore, failover): the next sync is a fresh snapshot */
    requestSnapshot() {
      freshOwed = true;
    },
    /** a follower taking over: its state is the held state; the cap must fit what it shows */
    seeded(data: DashboardData) {
      feedCap = Math.min(opts.maxFeedCap, Math.max(opts.feedCap, data.feed.items.length));
      snapshotNext = false;
    },
    /** pause, sign-out, stop: late answers are dropped; what is held is kept */
    stop() {
      detached += 1;
      pendingCommitTs = null;
      if (pendingOlder !== null) act({ type: 'feed/older-cancelled' });
      pendingOlder = null;
    },
    /** signed out: the next session starts from a fresh snapshot */
    forget() {
      detached += 1;
      snapshotNext = false;
      freshOwed = false;
      feedCap = opts.feedCap;
      revenueTz = null;
      pendingOlder = null;
    },
  };
}

function isUnknownTimeZone(error: unknown): boolean {
  return error instanceof ApiError && error.code === '22023' && /time zone/i.test(error.message);
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;

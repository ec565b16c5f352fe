import { ApiError, errorMessage, isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import { connectionReducer, initialConnectionInfo, mergeConnectionEvents, type ConnectionEvent } from './connection-machine';
import { dashboardReducer, initialDashboardData, type DashboardAction, type DashboardData } from './dashboard-reducer';
import { createBrowserEnvironment, type LiveEnvironment, type TimerHandle } from './environment';
import { createFrameBatcher } from './frame-batcher';
import type { LiveApi } from './live-api';
import { changeKey, parseChange, type LiveTable } from './parse-change';
import { nextBucketBoundary, revenueWindow } from './revenue-window';
import { useConnectionStore, type ConnectionStore } from './stores/connection-store';
import { useDashboardStore, type DashboardStore } from './stores/dashboard-store';
import { NOT_STAFF_MESSAGE, SESSION_EXPIRED_MESSAGE, useSessionStore, type SessionStore } from './stores/session-store';
import { openTableChannel, type TableChannel } from './table-channel';
import type { ConnectionInfo, DashboardPart, LiveCommands, RevenueRange, StaffRole } from './types';

export interface LiveEngineOptions {
  /** newest N activity items kept in memory (older pages raise it up to maxFeedCap) */
  feedCap: number;
  maxFeedCap: number;
  olderPageSize: number;
  /** activity_feed(p_after) page; a full page means the gap is bigger than the feed shows */
  catchUpPageSize: number;
  /** minimum time between two catch-ups: bounds RPCs per second whatever the event rate */
  minSyncIntervalMs: number;
  /** no confirmed subscription by then → polling (the channels keep trying) */
  readyTimeoutMs: number;
  /** a channel still not confirmed by then is recreated */
  channelReadyTimeoutMs: number;
  pollIntervalMs: number;
  hiddenPollIntervalMs: number;
  /** ± fraction of randomness on poll and reconnect delays */
  jitter: number;
  /** KPIs are re-read at least this often, so time-window KPIs stay right without events */
  kpiRefreshMs: number;
  reconnectDelaysMs: readonly number[];
  /** clock check period; a gap beyond tickMs + sleepGapMs means the machine slept */
  tickMs: number;
  sleepGapMs: number;
  /** offline longer than this → refresh the session before reconnecting */
  longOfflineMs: number;
  revenueRange: RevenueRange;
}

export const DEFAULT_LIVE_OPTIONS: LiveEngineOptions = {
  feedCap: 100,
  maxFeedCap: 1000,
  olderPageSize: 50,
  catchUpPageSize: 500,
  minSyncIntervalMs: 500,
  readyTimeoutMs: 10_000,
  channelReadyTimeoutMs: 30_000,
  pollIntervalMs: 5_000,
  hiddenPollIntervalMs: 30_000,
  jitter: 0.2,
  kpiRefreshMs: 30_000,
  reconnectDelaysMs: [1_000, 2_000, 5_000, 10_000, 30_000],
  tickMs: 5_000,
  // hidden tabs may run timers only once a minute: that is throttling, not sleep
  sleepGapMs: 120_000,
  longOfflineMs: 60_000,
  revenueRange: '7d',
};

export interface LiveEngineDeps {
  client: AppSupabaseClient;
  api: LiveApi;
  env?: LiveEnvironment;
  stores?: { dashboard?: DashboardStore; connection?: ConnectionStore; session?: SessionStore };
  options?: Partial<LiveEngineOptions>;
}

export interface LiveEngine extends LiveCommands {
  start(): void;
  stop(): void;
  /** no catch-up running or queued (tests and benches wait on this) */
  isIdle(): boolean;
  /** what the engine holds right now, ahead of the next frame's store update */
  peek(): { data: DashboardData; connection: ConnectionInfo };
}

const ALL_PARTS: readonly DashboardPart[] = ['kpis', 'revenue', 'ticketStatus', 'feed'];

const PARTS_BY_TABLE: Record<LiveTable, readonly DashboardPart[]> = {
  tickets: ['feed', 'kpis', 'ticketStatus'],
  orders: ['feed', 'kpis', 'revenue'],
  customers: ['feed'],
  products: ['feed'],
};

function tablesFor(role: StaffRole): LiveTable[] {
  // support cannot read orders: binding them would only fail
  return role === 'admin' ? ['tickets', 'orders', 'customers', 'products'] : ['tickets', 'customers', 'products'];
}

type PartResult = 'ok' | 'error' | 'network';

/** The server refused the session itself (not the network, not a server fault). */
function isSessionRejected(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.code !== '42501';
}

function failedAction(part: DashboardPart, error: string, range: RevenueRange): DashboardAction {
  switch (part) {
    case 'kpis':
      return { type: 'kpis/failed', error };
    case 'revenue':
      return { type: 'revenue/failed', error, range };
    case 'ticketStatus':
      return { type: 'ticketStatus/failed', error };
    case 'feed':
      return { type: 'feed/failed', error };
  }
}

function loadingAction(part: DashboardPart, range: RevenueRange): DashboardAction {
  switch (part) {
    case 'kpis':
      return { type: 'kpis/loading' };
    case 'revenue':
      return { type: 'revenue/loading', range };
    case 'ticketStatus':
      return { type: 'ticketStatus/loading' };
    case 'feed':
      return { type: 'feed/loading' };
  }
}

export function createLiveEngine(deps: LiveEngineDeps): LiveEngine {
  const { client, api } = deps;
  const env = deps.env ?? createBrowserEnvironment();
  const opts: LiveEngineOptions = { ...DEFAULT_LIVE_OPTIONS, ...deps.options };
  const dashboardStore = deps.stores?.dashboard ?? useDashboardStore;
  const connectionStore = deps.stores?.connection ?? useConnectionStore;
  const sessionStore = deps.stores?.session ?? useSessionStore;

  // The engine reads its own copy (applied at once); the stores get the same actions once per frame.
  let data: DashboardData = initialDashboardData(opts.revenueRange);
  let conn: ConnectionInfo = initialConnectionInfo(env.now());
  const dashboardBatch = createFrameBatcher<DashboardAction>(env.requestFrame, (actions) =>
    dashboardStore.getState().dispatch(actions),
  );
  const connectionBatch = createFrameBatcher<ConnectionEvent>(
    env.requestFrame,
    (events) => connectionStore.getState().dispatch(events),
    mergeConnectionEvents,
  );

  let started = false;
  let stopped = false;
  let signedIn = false;
  let signingOut = false;
  let role: StaffRole = 'admin';
  let paused = false;
  let dataRunning = false;
  /** bumped whenever the pipeline is torn down: late answers from before are dropped */
  let epoch = 0;
  let sessionEpoch = 0;

  const channels = new Map<LiveTable, TableChannel>();
  const channelWatchdogs = new Map<LiveTable, TimerHandle>();
  const reconnectTimers = new Map<LiveTable, TimerHandle>();
  const reconnectAttempts = new Map<LiveTable, number>();
  let readyGeneration = 0;
  let pendingReadyCatchUp: number | null = null;
  let needsSessionRefresh = false;
  let sessionCheck: Promise<boolean> | null = null;

  let readyTimer: TimerHandle | null = null;
  let pollTimer: TimerHandle | null = null;
  let syncTimer: TimerHandle | null = null;
  let tickTimer: TimerHandle | null = null;
  let boundaryTimer: TimerHandle | null = null;
  let restoreTimer: TimerHandle | null = null;

  const dirty = new Set<DashboardPart>();
  /** false while buffering: events before the channels are confirmed only mark parts dirty */
  let syncsEnabled = false;
  let syncing = false;
  let lastSyncStartedAt = Number.NEGATIVE_INFINITY;
  let pendingCommitTs: number | null = null;
  let feedLoaded = false;
  let feedCap = opts.feedCap;
  let lastKpiCursor = 0;
  let lastKpisAt = Number.NEGATIVE_INFINITY;
  let lastTickAt = env.now();
  let offlineSince: number | null = null;
  const recentKeys = new Set<string>();
  const unsubscribers: Array<() => void> = [];

  const clear = (handle: TimerHandle | null) => {
    if (handle !== null) env.clearTimeout(handle);
    return null;
  };
  const jittered = (ms: number) => Math.round(ms * (1 - opts.jitter + 2 * opts.jitter * env.random()));

  function act(action: DashboardAction) {
    data = dashboardReducer(data, action);
    dashboardBatch.push(action);
  }

  function signal(event: ConnectionEvent) {
    const before = conn.state;
    conn = connectionReducer(conn, event);
    connectionBatch.push(event);
    if (conn.state !== before) onStateChanged(before);
  }

  function flushNow() {
    dashboardBatch.flushNow();
    connectionBatch.flushNow();
  }

  // ---- connection state side effects -------------------------------------------------------

  function onStateChanged(before: ConnectionInfo['state']) {
    if (conn.state === 'polling' || conn.state === 'offline') {
      schedulePoll(before === 'live' || before === 'connecting' ? 0 : null);
    } else {
      pollTimer = clear(pollTimer);
    }
  }

  function schedulePoll(delay: number | null) {
    if (!dataRunning || (conn.state !== 'polling' && conn.state !== 'offline')) return;
    if (pollTimer !== null) {
      if (delay === null) return;
      pollTimer = clear(pollTimer);
    }
    const interval = jittered(env.isHidden() ? opts.hiddenPollIntervalMs : opts.pollIntervalMs);
    signal({ type: 'poll-interval', ms: interval });
    pollTimer = env.setTimeout(() => {
      pollTimer = null;
      if (!dataRunning || (conn.state !== 'polling' && conn.state !== 'offline')) return;
      signal({ type: 'poll-made' });
      syncsEnabled = true;
      requestSync(ALL_PARTS);
      schedulePoll(null);
    }, delay ?? interval);
  }

  function goPolling(reason: string) {
    syncsEnabled = true;
    signal({ type: 'realtime-lost', at: env.now(), reason });
  }

  // ---- realtime channels -------------------------------------------------------------------

  function realtimeReady(): boolean {
    return dataRunning && tablesFor(role).every((t) => channels.get(t)?.ready === true);
  }

  function openChannel(table: LiveTable) {
    const channel = openTableChannel(client, table, {
      onChange: (payload) => onChange(payload),
      onReady: () => onChannelReady(table),
      // the server redid the subscription (new token): changes may have slipped through meanwhile
      onResubscribed: () => requestSync(PARTS_BY_TABLE[table]),
      onFailure: (reason, tokenProblem) => onChannelFailure(table, channel, reason, tokenProblem),
    });
    channels.set(table, channel);
    channelWatchdogs.set(
      table,
      env.setTimeout(() => {
        channelWatchdogs.delete(table);
        if (channels.get(table) === channel && !channel.ready) {
          channel.dispose();
          onChannelFailure(table, channel, `${table}: subscription not confirmed`, false);
        }
      }, opts.channelReadyTimeoutMs),
    );
  }

  function closeChannel(table: LiveTable) {
    channels.get(table)?.dispose();
    channels.delete(table);
    const watchdog = channelWatchdogs.get(table);
    if (watchdog !== undefined) env.clearTimeout(watchdog);
    channelWatchdogs.delete(table);
  }

  function onChannelReady(table: LiveTable) {
    const watchdog = channelWatchdogs.get(table);
    if (watchdog !== undefined) env.clearTimeout(watchdog);
    channelWatchdogs.delete(table);
    reconnectAttempts.delete(table);
    if (!realtimeReady()) return;
    readyTimer = clear(readyTimer);
    readyGeneration += 1;
    pendingReadyCatchUp = readyGeneration;
    syncsEnabled = true;
    // one catch-up from the cursor (or the first snapshot), then live
    requestSync(ALL_PARTS, true);
  }

  function onChannelFailure(table: LiveTable, channel: TableChannel, reason: string, tokenProblem: boolean) {
    if (!dataRunning || channels.get(table) !== channel) return;
    closeChannel(table);
    if (tokenProblem) needsSessionRefresh = true;
    goPolling(reason);
    scheduleReconnect(table);
  }

  function scheduleReconnect(table: LiveTable, immediate = false) {
    if (!dataRunning || reconnectTimers.has(table) || channels.has(table)) return;
    const attempt = reconnectAttempts.get(table) ?? 0;
    reconnectAttempts.set(table, attempt + 1);
    const delays = opts.reconnectDelaysMs;
    const delay = immediate ? 0 : jittered(delays[Math.min(attempt, delays.length - 1)] ?? 1_000);
    signal({ type: 'reconnect-attempt' });
    reconnectTimers.set(
      table,
      env.setTimeout(() => {
        reconnectTimers.delete(table);
        void reconnect(table);
      }, delay),
    );
  }

  async function reconnect(table: LiveTable) {
    const myEpoch = epoch;
    if (!dataRunning) return;
    const ok = await ensureSession();
    if (epoch !== myEpoch || !dataRunning || channels.has(table)) return;
    if (!ok) {
      if (signedIn) scheduleReconnect(table);
      return;
    }
    openChannel(table);
  }

  function reconnectAllNow() {
    for (const table of tablesFor(role)) {
      if (channels.has(table)) continue;
      const timer = reconnectTimers.get(table);
      if (timer !== undefined) env.clearTimeout(timer);
      reconnectTimers.delete(table);
      reconnectAttempts.delete(table);
      scheduleReconnect(table, true);
    }
  }

  function dropAllChannels(reason: string) {
    for (const table of [...channels.keys()]) closeChannel(table);
    goPolling(reason);
  }

  // ---- session -----------------------------------------------------------------------------

  /** Makes sure realtime will join with a valid token: refreshes first after sleep, expiry or a long offline. */
  function ensureSession(): Promise<boolean> {
    sessionCheck ??= (async () => {
      const mySession = sessionEpoch;
      try {
        const force = needsSessionRefresh;
        const session = force ? await api.refreshSession(client) : await api.getSession(client);
        if (mySession !== sessionEpoch) return false;
        if (!session) {
          await endSession(SESSION_EXPIRED_MESSAGE);
          return false;
        }
        needsSessionRefresh = false;
        await handTokenToRealtime(session.accessToken);
        return true;
      } catch (error) {
        if (mySession !== sessionEpoch) return false;
        if (!isSessionRejected(error)) return false; // unreachable or a server fault: try again later
        await endSession(SESSION_EXPIRED_MESSAGE);
        return false;
      } finally {
        sessionCheck = null;
      }
    })();
    return sessionCheck;
  }

  async function handTokenToRealtime(token: string) {
    try {
      await client.realtime.setAuth(token);
    } catch {
      // realtime falls back to the client's own token callback
    }
  }

  async function enterSignedIn(): Promise<string | null> {
    const mySession = sessionEpoch;
    try {
      const user = await api.getCurrentStaff(client);
      if (mySession !== sessionEpoch || stopped) return null;
      role = user.role;
      signedIn = true;
      sessionStore.getState().signedIn(user);
      void startData();
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.code === '42501') {
        await endSession(NOT_STAFF_MESSAGE);
        return NOT_STAFF_MESSAGE;
      }
      throw error;
    }
  }

  async function restoreSession() {
    restoreTimer = null;
    try {
      const session = await api.getSession(client);
      if (stopped) return;
      if (!session) {
        sessionStore.getState().signedOut(null);
        return;
      }
      await handTokenToRealtime(session.accessToken);
      await enterSignedIn();
    } catch (error) {
      if (stopped) return;
      if (isSessionRejected(error)) {
        await endSession(SESSION_EXPIRED_MESSAGE);
        return;
      }
      // nothing reachable (or a server error) at start-up: keep the stored session and try again
      if (isNetworkError(error)) signal({ type: 'unreachable', at: env.now(), error: 'Cannot reach the server' });
      else signal({ type: 'rpc-error', error: `session: ${errorMessage(error)}` });
      restoreTimer = env.setTimeout(() => void restoreSession(), jittered(opts.pollIntervalMs));
    }
  }

  async function endSession(message: string | null) {
    if (signingOut) return;
    signingOut = true;
    sessionEpoch += 1;
    signedIn = false;
    paused = false;
    stopData();
    feedLoaded = false;
    feedCap = opts.feedCap;
    lastKpiCursor = 0;
    act({ type: 'reset' });
    signal({ type: 'reset', at: env.now() });
    flushNow();
    try {
      await api.signOut(client);
    } catch {
      // the local session is gone either way
    }
    signingOut = false;
    sessionStore.getState().signedOut(message);
  }

  function onAuthEvent(event: string) {
    // auth-js signs out by itself when the refresh token is rejected
    if (event === 'SIGNED_OUT' && signedIn && !signingOut) void endSession(SESSION_EXPIRED_MESSAGE);
  }

  // ---- data pipeline -----------------------------------------------------------------------

  async function startData() {
    if (dataRunning || paused || !signedIn) return;
    dataRunning = true;
    epoch += 1;
    const myEpoch = epoch;
    syncsEnabled = false;
    signal({ type: 'connect', at: env.now() });
    if (role === 'support') act({ type: 'revenue/unavailable' });
    readyTimer = env.setTimeout(() => {
      readyTimer = null;
      if (!realtimeReady()) goPolling('Realtime did not confirm the subscriptions in time');
    }, opts.readyTimeoutMs);
    lastTickAt = env.now();
    tickTimer = env.setTimeout(tick, opts.tickMs);
    scheduleBoundary();
    const ok = await ensureSession();
    if (epoch !== myEpoch || !dataRunning) return;
    for (const table of tablesFor(role)) {
      if (ok) openChannel(table);
      else scheduleReconnect(table);
    }
  }

  function stopData() {
    dataRunning = false;
    epoch += 1;
    for (const table of [...channels.keys()]) closeChannel(table);
    for (const timer of reconnectTimers.values()) env.clearTimeout(timer);
    reconnectTimers.clear();
    reconnectAttempts.clear();
    readyTimer = clear(readyTimer);
    pollTimer = clear(pollTimer);
    syncTimer = clear(syncTimer);
    tickTimer = clear(tickTimer);
    boundaryTimer = clear(boundaryTimer);
    syncing = false;
    syncsEnabled = false;
    dirty.clear();
    pendingCommitTs = null;
    pendingReadyCatchUp = null;
  }

  function tick() {
    tickTimer = null;
    if (!dataRunning) return;
    const now = env.now();
    const gap = now - lastTickAt;
    lastTickAt = now;
    if (gap > opts.tickMs + opts.sleepGapMs) onWake();
    else if (now - lastKpisAt >= opts.kpiRefreshMs) requestSync(['kpis']);
    tickTimer = env.setTimeout(tick, opts.tickMs);
  }

  /** After sleep the socket is likely dead and the token may have expired: start over from the cursor. */
  function onWake() {
    needsSessionRefresh = true;
    dropAllChannels('Woke up after sleep');
    reconnectAllNow();
    requestSync(ALL_PARTS, true);
  }

  function scheduleBoundary() {
    boundaryTimer = clear(boundaryTimer);
    const now = env.now();
    const delay = nextBucketBoundary(data.revenue.range, now) - now + 500;
    boundaryTimer = env.setTimeout(() => {
      boundaryTimer = null;
      if (!dataRunning) return;
      act({ type: 'revenue/rolled', now: env.now() });
      requestSync(['revenue', 'kpis']);
      scheduleBoundary();
    }, delay);
  }

  function onChange(payload: unknown) {
    if (!dataRunning) return;
    const parsed = parseChange(payload);
    if (!parsed.ok) {
      signal({ type: 'payload-dropped' });
      return;
    }
    const change = parsed.change;
    const key = changeKey(change);
    if (key !== null && recentKeys.has(key)) {
      signal({ type: 'payload-dropped' });
    } else {
      if (key !== null) {
        recentKeys.add(key);
        if (recentKeys.size > 1_000) recentKeys.delete(recentKeys.values().next().value as string);
      }
      signal({ type: 'event-received', at: env.now() });
    }
    if (change.commitTimestamp !== null) pendingCommitTs = Math.max(pendingCommitTs ?? 0, change.commitTimestamp);
    // the payload is only a push: the catch-up from the cursor decides what is shown
    requestSync(PARTS_BY_TABLE[change.table]);
  }

  function requestSync(parts: Iterable<DashboardPart>, soon = false) {
    for (const part of parts) dirty.add(part);
    if (!syncsEnabled || !dataRunning) return;
    if (soon && syncTimer !== null && !syncing) {
      syncTimer = clear(syncTimer);
    }
    scheduleSync();
  }

  function scheduleSync() {
    if (!dataRunning || syncing || syncTimer !== null || dirty.size === 0) return;
    const wait = Math.max(0, lastSyncStartedAt + opts.minSyncIntervalMs - env.now());
    syncTimer = env.setTimeout(() => {
      syncTimer = null;
      void runSync();
    }, wait);
  }

  async function runSync() {
    if (!dataRunning || syncing || dirty.size === 0) return;
    syncing = true;
    lastSyncStartedAt = env.now();
    const myEpoch = epoch;
    const parts = new Set(dirty);
    dirty.clear();
    const commitTs = pendingCommitTs;
    pendingCommitTs = null;
    const readyAtStart = pendingReadyCatchUp !== null && realtimeReady() ? pendingReadyCatchUp : null;
    const fullCatchUp = ALL_PARTS.every((p) => parts.has(p));

    const results = new Map<DashboardPart, PartResult>();
    await Promise.all([...parts].map(async (part) => results.set(part, await syncPart(part, myEpoch))));
    if (epoch !== myEpoch) return;
    syncing = false;

    const values = [...results.values()];
    if (values.includes('network')) {
      signal({ type: 'unreachable', at: env.now(), error: 'Cannot reach the server' });
    } else {
      const nowReady =
        fullCatchUp && readyAtStart !== null && readyAtStart === readyGeneration && pendingReadyCatchUp === readyAtStart && realtimeReady();
      if (nowReady) pendingReadyCatchUp = null;
      signal({ type: 'caught-up', at: env.now(), realtimeReady: nowReady || (conn.state === 'live' && realtimeReady()) });
      if (commitTs !== null && results.get('feed') === 'ok') {
        signal({ type: 'commit-to-screen', ms: env.now() - commitTs });
      }
      // the channels came back while this ran: catch up once more before going live
      if (pendingReadyCatchUp !== null && realtimeReady()) for (const p of ALL_PARTS) dirty.add(p);
    }
    if (commitTs !== null && results.get('feed') !== 'ok') pendingCommitTs = Math.max(pendingCommitTs ?? 0, commitTs);
    scheduleSync();
  }

  async function syncPart(part: DashboardPart, myEpoch: number): Promise<PartResult> {
    try {
      switch (part) {
        case 'kpis': {
          const snapshot = await api.getKpis(client);
          if (epoch !== myEpoch) return 'ok';
          lastKpisAt = env.now();
          act({ type: 'kpis/loaded', kpis: snapshot.kpis });
          // a change we heard nothing about (missed event): read the feed too
          if (snapshot.cursor > lastKpiCursor) {
            lastKpiCursor = snapshot.cursor;
            if (feedLoaded && snapshot.cursor > data.cursor) requestSync(['feed']);
          }
          return 'ok';
        }
        case 'ticketStatus': {
          const rows = await api.getTicketStatusBreakdown(client);
          if (epoch === myEpoch) act({ type: 'ticketStatus/loaded', rows });
          return 'ok';
        }
        case 'revenue': {
          if (role === 'support') {
            act({ type: 'revenue/unavailable' });
            return 'ok';
          }
          const range = data.revenue.range;
          const window = revenueWindow(range, env.now());
          const points = await api.getRevenueSeries(client, window);
          if (epoch === myEpoch) act({ type: 'revenue/loaded', range, points, now: env.now() });
          return 'ok';
        }
        case 'feed':
          await syncFeed(myEpoch);
          return 'ok';
      }
    } catch (error) {
      if (epoch !== myEpoch) return 'ok';
      return partFailed(part, error);
    }
  }

  function partFailed(part: DashboardPart, error: unknown): PartResult {
    const network = isNetworkError(error);
    const message = network ? 'Cannot reach the server' : errorMessage(error);
    if (!network) signal({ type: 'rpc-error', error: `${part}: ${message}` });
    if (error instanceof ApiError && error.status === 401) {
      // PostgREST rejected the JWT (expired while asleep): refresh, or sign out cleanly
      needsSessionRefresh = true;
      void ensureSession().then((ok) => {
        if (ok) requestSync(ALL_PARTS);
      });
    }
    const hasData = part === 'feed' ? data.feed.status === 'ready' : data[part].data !== null;
    if (!network || !hasData) act(failedAction(part, message, data.revenue.range));
    return network ? 'network' : 'error';
  }

  async function syncFeed(myEpoch: number) {
    if (!feedLoaded) {
      await feedSnapshot(myEpoch);
      return;
    }
    const page = await api.getActivityFeed(client, { after: data.cursor, limit: opts.catchUpPageSize });
    if (epoch !== myEpoch) return;
    if (page.skipped > 0) signal({ type: 'payload-dropped', count: page.skipped });
    if (page.rowCount >= opts.catchUpPageSize) {
      // further behind than the feed can show: its newest page is the whole answer
      await feedSnapshot(myEpoch);
      return;
    }
    act({ type: 'feed/caught-up', items: page.items, cursor: page.maxId ?? data.cursor, cap: feedCap });
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

  // ---- listeners ---------------------------------------------------------------------------

  function onVisibility(hidden: boolean) {
    if (!dataRunning || hidden) return;
    if (conn.state === 'polling' || conn.state === 'offline') schedulePoll(0);
    else if (syncsEnabled) requestSync(ALL_PARTS, true); // a throttled background tab may have fallen behind
  }

  function onOnline(online: boolean) {
    if (!dataRunning) {
      if (online) offlineSince = null;
      else offlineSince ??= env.now();
      return;
    }
    if (!online) {
      offlineSince ??= env.now();
      dropAllChannels('The browser is offline');
      return;
    }
    if (offlineSince !== null && env.now() - offlineSince > opts.longOfflineMs) needsSessionRefresh = true;
    offlineSince = null;
    schedulePoll(0);
    reconnectAllNow();
  }

  // ---- commands ----------------------------------------------------------------------------

  async function loadOlderActivity() {
    const feed = data.feed;
    const oldest = feed.items.at(-1);
    if (!signedIn || feed.loadingOlder || !feed.hasMore || feed.status !== 'ready' || !oldest) return;
    const mySession = sessionEpoch;
    act({ type: 'feed/older-loading' });
    try {
      const page = await api.getActivityFeed(client, { before: oldest.id, limit: opts.olderPageSize });
      if (mySession !== sessionEpoch) return;
      feedCap = Math.min(opts.maxFeedCap, Math.max(feedCap, data.feed.items.length + page.items.length));
      const hasMore = page.rowCount >= opts.olderPageSize && data.feed.items.length + page.items.length <= opts.maxFeedCap;
      act({ type: 'feed/older-loaded', items: page.items, hasMore, cap: feedCap });
    } catch (error) {
      if (mySession !== sessionEpoch) return;
      const message = errorMessage(error);
      if (!isNetworkError(error)) signal({ type: 'rpc-error', error: `feed: ${message}` });
      act({ type: 'feed/older-failed', error: message });
    }
  }

  const engine: LiveEngine = {
    start() {
      if (started) return;
      started = true;
      act({ type: 'reset' });
      act({ type: 'revenue/loading', range: opts.revenueRange });
      signal({ type: 'reset', at: env.now() });
      flushNow();
      unsubscribers.push(env.onVisibilityChange(onVisibility), env.onOnlineChange(onOnline));
      if (!env.isOnline()) offlineSince = env.now();
      const { data: auth } = client.auth.onAuthStateChange((event) => {
        // never call back into auth-js from inside its own callback
        env.setTimeout(() => onAuthEvent(event), 0);
      });
      unsubscribers.push(() => auth.subscription.unsubscribe());
      sessionStore.getState().loading();
      void restoreSession();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      sessionEpoch += 1;
      stopData();
      restoreTimer = clear(restoreTimer);
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      flushNow();
      dashboardBatch.dispose();
      connectionBatch.dispose();
    },
    pause() {
      if (paused || !signedIn) return;
      paused = true;
      stopData();
      signal({ type: 'pause', at: env.now() });
      flushNow();
    },
    resume() {
      if (!paused) return;
      paused = false;
      void startData();
    },
    setRevenueRange(range) {
      if (range === data.revenue.range) return;
      act({ type: 'revenue/loading', range });
      if (role === 'support') act({ type: 'revenue/unavailable' });
      if (!dataRunning) {
        if (signedIn && role === 'admin') void syncPart('revenue', epoch);
        return;
      }
      scheduleBoundary();
      requestSync(['revenue'], true);
    },
    loadOlderActivity() {
      void loadOlderActivity();
    },
    retry(part) {
      if (part === 'feed' ? data.feed.status === 'error' : data[part].status === 'error') {
        act(loadingAction(part, data.revenue.range));
      }
      if (dataRunning) requestSync([part], true);
      else if (signedIn) void syncPart(part, epoch);
    },
    async signIn(email, password) {
      if (signedIn) return { error: null };
      sessionEpoch += 1;
      try {
        const session = await api.signInWithPassword(client, { email, password });
        await handTokenToRealtime(session.accessToken);
        const error = await enterSignedIn();
        return { error };
      } catch (error) {
        if (isNetworkError(error)) return { error: 'Cannot reach the server. Check your connection and try again.' };
        return { error: errorMessage(error) };
      }
    },
    async signOut() {
      await endSession(null);
    },
    isIdle() {
      return !syncing && syncTimer === null && (dirty.size === 0 || !syncsEnabled);
    },
    peek() {
      return { data, connection: conn };
    },
  };
  return engine;
}

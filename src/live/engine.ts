import type { AppSupabaseClient } from '@/lib/supabase';
import { createCatchUp } from './catch-up';
import { createChannelSet } from './channel-set';
import { connectionReducer, initialConnectionInfo, mergeConnectionEvents, type ConnectionEvent } from './connection-machine';
import { dashboardReducer, initialDashboardData, type DashboardAction, type DashboardData } from './dashboard-reducer';
import {
  ALL_PARTS,
  DEFAULT_LIVE_OPTIONS,
  loadingAction,
  PARTS_BY_TABLE,
  tablesFor,
  withJitter,
  type LiveEngineOptions,
} from './engine-options';
import { createBrowserEnvironment, type LiveEnvironment, type TimerHandle } from './environment';
import { createFrameBatcher } from './frame-batcher';
import type { LiveApi } from './live-api';
import { changeKey, parseChange } from './parse-change';
import { nextBucketBoundary } from './revenue-window';
import { useConnectionStore, type ConnectionStore } from './stores/connection-store';
import { useDashboardStore, type DashboardStore } from './stores/dashboard-store';
import { createSessionKeeper } from './session-keeper';
import { useSessionStore, type SessionStore } from './stores/session-store';
import type { ConnectionInfo, LiveCommands, StaffRole } from './types';

export { DEFAULT_LIVE_OPTIONS, type LiveEngineOptions } from './engine-options';

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

/**
 * The one owner of realtime, polling, catch-up, session and connection state. Subscribe first,
 * then snapshot; pushes only trigger catch-ups from the cursor; any failure signal → polling while
 * realtime comes back; a full catch-up once it is back → live.
 */
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
  let role: StaffRole = 'admin';
  let paused = false;
  let dataRunning = false;
  /** bumped when the data pipeline stops: a start still waiting for the session is dropped */
  let runEpoch = 0;

  let readyTimer: TimerHandle | null = null;
  let pollTimer: TimerHandle | null = null;
  let tickTimer: TimerHandle | null = null;
  let boundaryTimer: TimerHandle | null = null;
  let lastTickAt = env.now();
  let offlineSince: number | null = null;
  const recentKeys = new Set<string>();
  const unsubscribers: Array<() => void> = [];

  const clear = (handle: TimerHandle | null) => {
    if (handle !== null) env.clearTimeout(handle);
    return null;
  };
  const jittered = (ms: number) => withJitter(ms, opts.jitter, env.random);

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

  const catchUp = createCatchUp({
    api,
    client,
    env,
    opts,
    read: () => data,
    act,
    signal,
    role: () => role,
    realtimeReady,
    isLive: () => conn.state === 'live',
    onUnauthorized: () => {
      // PostgREST rejected the JWT (expired while asleep): refresh, or sign out cleanly
      session.requireRefresh();
      void session.ensure().then((ok) => {
        if (ok) catchUp.request(ALL_PARTS);
      });
    },
  });

  const channels = createChannelSet({
    client,
    env,
    opts,
    jittered,
    onChange,
    onReady: () => {
      if (!realtimeReady()) return;
      readyTimer = clear(readyTimer);
      // one catch-up from the cursor (or the first snapshot), then live
      catchUp.realtimeReady();
    },
    // the server redid the subscription (new token): changes may have slipped through meanwhile
    onResubscribed: (table) => catchUp.request(PARTS_BY_TABLE[table]),
    onFailure: (_table, reason, tokenProblem) => {
      if (tokenProblem) session.requireRefresh();
      goPolling(reason);
    },
    onReconnectAttempt: () => signal({ type: 'reconnect-attempt' }),
    prepare: () => session.ensure(),
  });

  const session = createSessionKeeper({
    api,
    client,
    env,
    sessionStore,
    retryDelay: () => jittered(opts.pollIntervalMs),
    signal,
    onSignedIn: (user) => {
      role = user.role;
      void startData();
    },
    onSignedOut: () => {
      paused = false;
      stopData();
      catchUp.forgetFeed();
      act({ type: 'reset' });
      signal({ type: 'reset', at: env.now() });
      flushNow();
    },
  });

  function realtimeReady(): boolean {
    return dataRunning && channels.allReady(tablesFor(role));
  }

  // ---- polling -----------------------------------------------------------------------------

  function onStateChanged(before: ConnectionInfo['state']) {
    if (conn.state === 'polling' || conn.state === 'offline') {
      schedulePoll(before === 'live' || before === 'connecting' ? 0 : null);
    } else {
      pollTimer = clear(pollTimer);
    }
  }

  /** delay null = keep a poll already scheduled, else the (jittered, slower when hidden) interval */
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
      catchUp.enable();
      catchUp.request(ALL_PARTS);
      // channels keep coming back in the background (while offline, the 'online' event does it)
      if (env.isOnline()) channels.ensureReconnecting(tablesFor(role));
      schedulePoll(null);
    }, delay ?? interval);
  }

  function goPolling(reason: string) {
    catchUp.enable();
    signal({ type: 'realtime-lost', at: env.now(), reason });
  }

  // ---- data pipeline -----------------------------------------------------------------------

  async function startData() {
    if (dataRunning || paused || !session.isSignedIn()) return;
    dataRunning = true;
    runEpoch += 1;
    const myRun = runEpoch;
    signal({ type: 'connect', at: env.now() });
    if (role === 'support') act({ type: 'revenue/unavailable' });
    readyTimer = env.setTimeout(() => {
      readyTimer = null;
      if (!realtimeReady()) goPolling('Realtime did not confirm the subscriptions in time');
    }, opts.readyTimeoutMs);
    lastTickAt = env.now();
    tickTimer = env.setTimeout(tick, opts.tickMs);
    scheduleBoundary();
    const ok = await session.ensure();
    if (runEpoch !== myRun || !dataRunning) return;
    if (ok) channels.open(tablesFor(role));
    else channels.ensureReconnecting(tablesFor(role));
  }

  function stopData() {
    dataRunning = false;
    runEpoch += 1;
    channels.closeAll();
    catchUp.stop();
    readyTimer = clear(readyTimer);
    pollTimer = clear(pollTimer);
    tickTimer = clear(tickTimer);
    boundaryTimer = clear(boundaryTimer);
  }

  function tick() {
    tickTimer = null;
    if (!dataRunning) return;
    const now = env.now();
    const gap = now - lastTickAt;
    lastTickAt = now;
    if (gap > opts.tickMs + opts.sleepGapMs) onWake();
    else if (now - catchUp.lastKpisAt() >= opts.kpiRefreshMs) catchUp.request(['kpis']);
    tickTimer = env.setTimeout(tick, opts.tickMs);
  }

  /** After sleep the socket is likely dead and the token may have expired: start over from the cursor. */
  function onWake() {
    session.requireRefresh();
    channels.closeAll();
    goPolling('Woke up after sleep');
    channels.reconnectNow(tablesFor(role));
    catchUp.request(ALL_PARTS, true);
  }

  function scheduleBoundary() {
    boundaryTimer = clear(boundaryTimer);
    const now = env.now();
    const delay = nextBucketBoundary(data.revenue.range, now) - now + 500;
    boundaryTimer = env.setTimeout(() => {
      boundaryTimer = null;
      if (!dataRunning) return;
      act({ type: 'revenue/rolled', now: env.now() });
      catchUp.request(['revenue', 'kpis']);
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
    if (change.commitTimestamp !== null) catchUp.noteCommit(change.commitTimestamp);
    // the payload is only a push: the catch-up from the cursor decides what is shown
    catchUp.request(PARTS_BY_TABLE[change.table]);
  }

  // ---- listeners ---------------------------------------------------------------------------

  function onVisibility(hidden: boolean) {
    if (!dataRunning || hidden) return;
    if (conn.state === 'polling' || conn.state === 'offline') schedulePoll(0);
    else if (conn.state === 'live') catchUp.request(ALL_PARTS, true); // a throttled background tab may have fallen behind
  }

  function onOnline(online: boolean) {
    if (!online) offlineSince ??= env.now();
    if (!dataRunning) {
      if (online) offlineSince = null;
      return;
    }
    if (!online) {
      channels.closeAll();
      goPolling('The browser is offline');
      return;
    }
    if (offlineSince !== null && env.now() - offlineSince > opts.longOfflineMs) {
      // the token may have expired meanwhile: refresh first, then join again with the new one
      session.requireRefresh();
      channels.closeAll();
      goPolling('Back online after a long time offline');
    }
    offlineSince = null;
    schedulePoll(0);
    channels.reconnectNow(tablesFor(role));
  }

  // ---- commands ----------------------------------------------------------------------------

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
        env.setTimeout(() => session.onAuthEvent(event), 0);
      });
      unsubscribers.push(() => auth.subscription.unsubscribe());
      sessionStore.getState().loading();
      void session.restore();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      session.stop();
      stopData();
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      flushNow();
      dashboardBatch.dispose();
      connectionBatch.dispose();
    },
    pause() {
      if (paused || !session.isSignedIn()) return;
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
        if (session.isSignedIn() && role === 'admin') catchUp.fetchNow('revenue');
        return;
      }
      scheduleBoundary();
      catchUp.request(['revenue'], true);
    },
    loadOlderActivity() {
      if (session.isSignedIn()) void catchUp.loadOlder();
    },
    retry(part) {
      if (part === 'feed' ? data.feed.status === 'error' : data[part].status === 'error') {
        act(loadingAction(part, data.revenue.range));
      }
      if (dataRunning) catchUp.request([part], true);
      else if (session.isSignedIn()) catchUp.fetchNow(part);
    },
    signIn: (email, password) => session.signIn(email, password),
    signOut: () => session.end(null),
    isIdle: () => catchUp.isIdle(),
    peek: () => ({ data, connection: conn }),
  };
  return engine;
}

import type { AppSupabaseClient } from '@/lib/supabase';
import { createCatchUp } from './catch-up';
import { createChangeIntake } from './change-intake';
import { createChannelSet } from './channel-set';
import type { DashboardData } from './dashboard-reducer';
import { createEngineClock } from './engine-clock';
import {
  ALL_PARTS,
  DEFAULT_LIVE_OPTIONS,
  loadingAction,
  PARTS_BY_TABLE,
  tablesFor,
  withJitter,
  type LiveEngineOptions,
} from './engine-options';
import { createEngineState } from './engine-state';
import { createBrowserEnvironment, type LiveEnvironment, type TimerHandle } from './environment';
import type { LiveApi } from './live-api';
import { createPollScheduler } from './poll-scheduler';
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

export interface LiveEngineStartOptions {
  /** a state to continue from (a tab taking over leadership): sync once from its cursor */
  resume?: DashboardData;
}

export interface LiveEngine extends LiveCommands {
  start(opts?: LiveEngineStartOptions): void;
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
  const sessionStore = deps.stores?.session ?? useSessionStore;

  const state = createEngineState({
    env,
    revenueRange: opts.revenueRange,
    dashboardStore: deps.stores?.dashboard ?? useDashboardStore,
    connectionStore: deps.stores?.connection ?? useConnectionStore,
    onStateChanged: (before) => polls.onStateChanged(before, state.conn.state),
  });
  const { act, signal, flushNow } = state;

  let started = false;
  let stopped = false;
  let role: StaffRole = 'admin';
  let paused = false;
  let dataRunning = false;
  /** bumped when the data pipeline stops: a start still waiting for the session is dropped */
  let runEpoch = 0;

  let readyTimer: TimerHandle | null = null;
  let offlineSince: number | null = null;
  const unsubscribers: Array<() => void> = [];

  const clear = (handle: TimerHandle | null) => {
    if (handle !== null) env.clearTimeout(handle);
    return null;
  };
  const jittered = (ms: number) => withJitter(ms, opts.jitter, env.random);

  const catchUp = createCatchUp({
    api,
    client,
    env,
    opts,
    read: () => state.data,
    act,
    signal,
    role: () => role,
    realtimeReady,
    isLive: () => state.conn.state === 'live',
    onUnauthorized: () => {
      // PostgREST rejected the JWT (expired while asleep): refresh, or sign out cleanly
      session.requireRefresh();
      void session.ensure().then((ok) => {
        if (ok) catchUp.request(ALL_PARTS);
      });
    },
  });

  const polls = createPollScheduler({
    env,
    opts,
    jittered,
    signal,
    shouldPoll: () => dataRunning && (state.conn.state === 'polling' || state.conn.state === 'offline'),
    poll: () => {
      catchUp.enable();
      catchUp.request(ALL_PARTS);
      // channels keep coming back in the background (while offline, the 'online' event does it)
      if (env.isOnline()) channels.ensureReconnecting(tablesFor(role));
    },
  });

  const clock = createEngineClock({
    env,
    opts,
    isRunning: () => dataRunning,
    range: () => state.data.revenue.range,
    onWake,
    onTick: (now) => {
      if (now - catchUp.lastKpisAt() >= opts.kpiRefreshMs) catchUp.request(['kpis']);
    },
    onBoundary: () => {
      act({ type: 'revenue/rolled', now: env.now() });
      catchUp.request(['revenue', 'kpis']);
    },
  });

  const receive = createChangeIntake({
    now: () => env.now(),
    signal,
    onChange: (change) => {
      if (change.commitTimestamp !== null) catchUp.noteCommit(change.commitTimestamp);
      // the payload is only a push: the catch-up from the cursor decides what is shown
      catchUp.request(PARTS_BY_TABLE[change.table]);
    },
  });

  const channels = createChannelSet({
    client,
    env,
    opts,
    jittered,
    onChange: (payload) => {
      if (dataRunning) receive(payload);
    },
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
    clock.start();
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
    polls.cancel();
    clock.stop();
  }

  /** After sleep the socket is likely dead and the token may have expired: start over from the cursor. */
  function onWake() {
    session.requireRefresh();
    channels.closeAll();
    goPolling('Woke up after sleep');
    channels.reconnectNow(tablesFor(role));
    catchUp.request(ALL_PARTS, true);
  }

  // ---- listeners ---------------------------------------------------------------------------

  function onVisibility(hidden: boolean) {
    if (!dataRunning || hidden) return;
    if (state.conn.state === 'polling' || state.conn.state === 'offline') polls.schedule(0);
    else if (state.conn.state === 'live') catchUp.request(ALL_PARTS, true); // a throttled background tab may have fallen behind
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
    polls.schedule(0);
    channels.reconnectNow(tablesFor(role));
  }

  // ---- commands ----------------------------------------------------------------------------

  const engine: LiveEngine = {
    // TODO(engine branch): resume from opts.resume; this stub starts from scratch
    start(_opts?: LiveEngineStartOptions) {
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
      state.dispose();
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
      if (range === state.data.revenue.range) return;
      act({ type: 'revenue/loading', range });
      if (role === 'support') act({ type: 'revenue/unavailable' });
      if (!dataRunning) {
        if (session.isSignedIn() && role === 'admin') catchUp.fetchNow('revenue');
        return;
      }
      clock.scheduleBoundary();
      catchUp.request(['revenue'], true);
    },
    loadOlderActivity() {
      if (session.isSignedIn()) void catchUp.loadOlder();
    },
    retry(part) {
      const { data } = state;
      if (part === 'feed' ? data.feed.status === 'error' : data[part].status === 'error') {
        act(loadingAction(part, data.revenue.range));
      }
      if (dataRunning) catchUp.request([part], true);
      else if (session.isSignedIn()) catchUp.fetchNow(part);
    },
    signIn: (email, password) => session.signIn(email, password),
    signOut: () => session.end(null),
    isIdle: () => catchUp.isIdle(),
    peek: () => ({ data: state.data, connection: state.conn }),
  };
  return engine;
}

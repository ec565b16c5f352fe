import type { AppSupabaseClient } from '@/lib/supabase';
import { createChannelSet } from './channel-set';
import { loadingAction } from './dashboard-reducer';
import { createEngineClock } from './engine-clock';
import { DEFAULT_LIVE_OPTIONS, withJitter, type LiveEngineOptions } from './engine-options';
import type { LiveEngine } from './engine-interface';
import { createEngineState } from './engine-state';
import { createBrowserEnvironment, type LiveEnvironment, type TimerHandle } from './environment';
import type { LiveApi } from './live-api';
import { createPollScheduler } from './poll-scheduler';
import { createSessionKeeper } from './session-keeper';
import { useConnectionStore, type ConnectionStore } from './stores/connection-store';
import { useDashboardStore, type DashboardStore } from './stores/dashboard-store';
import { useSessionStore, type SessionStore } from './stores/session-store';
import { createSyncRunner } from './sync-runner';
import { createSyncScheduler } from './sync-scheduler';
import { transportFor } from './transport/transport-for';
import type { Viewer } from './transport/transport';
import { EVERYTHING_TOUCHED } from './change-clock';
import type { DashboardAction } from './dashboard-data';
import type { TouchedEntities } from './touched';

export { DEFAULT_LIVE_OPTIONS, type LiveEngineOptions } from './engine-options';
export type { LiveEngine, LiveEngineStartOptions } from './engine-interface';

export interface LiveEngineDeps {
  client: AppSupabaseClient;
  api: LiveApi;
  env?: LiveEnvironment;
  stores?: { dashboard?: DashboardStore; connection?: ConnectionStore; session?: SessionStore };
  options?: Partial<LiveEngineOptions>;
}

/**
 * The one owner of realtime, polling, sync, session and connection state. Subscribe first, then
 * sync; pushes, polls, timers and wake-ups only mark the engine dirty; one dashboard_sync at a time
 * brings everything from the cursor to now. Realtime health (the channels) and API reachability
 * (the syncs) are tracked apart: live = channels ready and a sync since then succeeded. How changes
 * arrive (which channels, what a payload does) is the transport's (transport/transport.ts).
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
  const { signal, flushNow } = state;
  /** this engine's change clock (see change-clock.ts): readers of another engine's re-read once */
  const origin = `${env.now().toString(36)}-${Math.floor(env.random() * 2 ** 32).toString(36)}`;
  const act = (action: DashboardAction) => {
    // a sync while realtime is not live may bring changes no push or delta named
    const unheard = action.type === 'sync/applied' && state.conn.state !== 'live';
    state.act(action);
    if (unheard) state.act({ type: 'changes/touched', origin, touched: EVERYTHING_TOUCHED });
  };
  const touched = (entities: TouchedEntities) => act({ type: 'changes/touched', origin, touched: entities });

  let started = false;
  let stopped = false;
  let viewer: Viewer = { id: '', role: 'admin' };
  let paused = false;
  let dataRunning = false;
  let readyTimer: TimerHandle | null = null;
  let offlineSince: number | null = null;
  const unsubscribers: Array<() => void> = [];

  const clear = (handle: TimerHandle | null) => {
    if (handle !== null) env.clearTimeout(handle);
    return null;
  };
  const jittered = (ms: number) => withJitter(ms, opts.jitter, env.random);
  /** the channels the signed-in viewer needs, every topic of the transport's */
  const channelKeys = () => transport.keys(viewer);

  const scheduler = createSyncScheduler({
    env,
    limits: { burst: opts.syncBurst, ratePerSec: opts.syncRatePerSec },
    retryDelaysMs: opts.syncRetryDelaysMs,
    jittered,
    run: (generation) => runner.run(generation),
  });

  const transport = transportFor(opts.transport)({
    opts,
    parseDelta: (payload) => api.parseDashboardDelta(payload),
    read: () => state.data,
    act,
    signal,
    touched,
    markDirty: () => scheduler.markDirty(),
    syncInFlight: () => scheduler.inFlight(),
    requestSnapshot: () => runner.requestSnapshot(),
    noteCommit: (commitMs) => runner.noteCommit(commitMs),
    feedCap: () => runner.feedCap(),
    resetFeedCap: () => runner.resetFeedCap(),
    now: () => env.now(),
    monotonic: () => env.monotonic(),
  });

  const runner = createSyncRunner({
    api,
    client,
    env,
    opts,
    read: () => state.data,
    conn: () => state.conn,
    act,
    signal,
    role: () => viewer.role,
    realtimeReady,
    isCurrent: (generation) => scheduler.isCurrent(generation),
    markDirty: () => scheduler.markDirty(),
    canSync: () => scheduler.isEnabled(),
    hooks: transport,
    onRevenueReplaced: () => transport.revenueReplaced(),
    onUnauthorized: () => {
      // PostgREST rejected the JWT (expired while asleep): refresh, or sign out cleanly
      session.requireRefresh();
      void session.ensure().then((ok) => {
        if (ok) scheduler.kick();
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
      scheduler.markDirty();
      scheduler.enable();
      // channels keep coming back in the background (while offline, the 'online' event does it)
      if (env.isOnline()) channels.ensureReconnecting(channelKeys());
    },
  });

  const clock = createEngineClock({
    env,
    opts,
    isRunning: () => dataRunning,
    range: () => state.data.revenue.range,
    onWake,
    onClockJump: () => {
      act({ type: 'revenue/rolled', now: env.now() });
      scheduler.markDirty();
    },
    onTick: (now) => {
      // the 24 h windows move with time: a sync now and then, even when nothing changes
      if (now - runner.lastOkAt() >= transport.refreshMs) scheduler.markDirty();
    },
    onBoundary: () => {
      act({ type: 'revenue/rolled', now: env.now() });
      scheduler.markDirty();
    },
  });

  const channels = createChannelSet({
    openChannel: (key, handlers) => transport.open(client, key, handlers),
    env,
    opts,
    jittered,
    onChange: (key, payload) => {
      if (dataRunning) transport.receive(key, payload);
    },
    onReady: () => {
      if (!realtimeReady()) return;
      readyTimer = clear(readyTimer);
      signal({ type: 'realtime-ready', at: env.now() });
      // one sync that starts now covers what happened while the channels were down → live
      scheduler.kick();
      scheduler.enable();
    },
    // the server redid the subscription (new token): changes may have slipped through meanwhile
    onResubscribed: () => scheduler.markDirty(),
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
      viewer = { id: user.id, role: user.role };
      void startData();
    },
    onSignedOut: () => {
      paused = false;
      stopData();
      runner.forget();
      transport.reset();
      act({ type: 'reset' });
      signal({ type: 'reset', at: env.now() });
      flushNow();
    },
  });

  function realtimeReady(): boolean {
    return dataRunning && channels.allReady(channelKeys());
  }

  function goPolling(reason: string) {
    signal({ type: 'realtime-lost', at: env.now(), reason });
    scheduler.enable();
  }

  // ---- data pipeline -----------------------------------------------------------------------

  async function startData() {
    if (dataRunning || paused || !session.isSignedIn()) return;
    dataRunning = true;
    signal({ type: 'connect', at: env.now() });
    if (viewer.role === 'support') act({ type: 'revenue/unavailable' });
    readyTimer = env.setTimeout(() => {
      readyTimer = null;
      if (!realtimeReady()) goPolling('Realtime did not confirm the subscriptions in time');
    }, opts.readyTimeoutMs);
    clock.start();
    // dirty from the start: the first sync runs as soon as the channels are confirmed (or polling begins)
    scheduler.markDirty();
    const ok = await session.ensure();
    if (!dataRunning) return;
    if (ok) channels.open(channelKeys());
    else channels.ensureReconnecting(channelKeys());
  }

  function stopData() {
    dataRunning = false;
    channels.closeAll();
    scheduler.disable();
    runner.stop();
    readyTimer = clear(readyTimer);
    polls.cancel();
    clock.stop();
  }

  /** After sleep the socket is likely dead and the token may have expired: start over from the cursor. */
  function onWake() {
    session.requireRefresh();
    channels.closeAll();
    goPolling('Woke up after sleep');
    channels.reconnectNow(channelKeys());
    act({ type: 'revenue/rolled', now: env.now() });
    scheduler.kick();
  }

  // ---- listeners ---------------------------------------------------------------------------

  function onVisibility(hidden: boolean) {
    if (!dataRunning || hidden) return;
    // timers of a hidden tab are throttled: the wall-clock boundary may have passed meanwhile
    clock.scheduleBoundary();
    act({ type: 'revenue/rolled', now: env.now() });
    if (state.conn.state === 'polling' || state.conn.state === 'offline') polls.schedule(0);
    scheduler.kick();
  }

  function onOnline(online: boolean) {
    if (!online) offlineSince ??= env.monotonic();
    if (!dataRunning) {
      if (online) offlineSince = null;
      return;
    }
    if (!online) {
      channels.closeAll();
      goPolling('The browser is offline');
      return;
    }
    if (offlineSince !== null && env.monotonic() - offlineSince > opts.longOfflineMs) {
      // the token may have expired meanwhile: refresh first, then join again with the new one
      session.requireRefresh();
      channels.closeAll();
      goPolling('Back online after a long time offline');
    }
    offlineSince = null;
    polls.schedule(0);
    scheduler.kick();
    channels.reconnectNow(channelKeys());
  }

  // ---- commands ----------------------------------------------------------------------------

  const engine: LiveEngine = {
    start(startOpts = {}) {
      if (started) return;
      started = true;
      const { resume } = startOpts;
      if (resume) {
        act({ type: 'seed', data: resume });
        runner.seeded(resume);
        transport.seeded();
      } else {
        act({ type: 'reset' });
        act({ type: 'revenue/loading', range: opts.revenueRange });
      }
      signal({ type: 'reset', at: env.now() });
      flushNow();
      unsubscribers.push(env.onVisibilityChange(onVisibility), env.onOnlineChange(onOnline));
      if (!env.isOnline()) offlineSince = env.monotonic();
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
      if (viewer.role === 'support') act({ type: 'revenue/unavailable' });
      if (!dataRunning) {
        if (session.isSignedIn() && viewer.role === 'admin') void runner.runDetached(true);
        return;
      }
      clock.scheduleBoundary();
      scheduler.kick();
    },
    loadOlderActivity() {
      if (session.isSignedIn()) runner.loadOlder();
    },
    retry(part) {
      const { data } = state;
      if (part === 'feed' ? data.feed.status === 'error' : data[part].status === 'error') {
        act(loadingAction(part, data.revenue.range));
      }
      if (dataRunning) scheduler.kick();
      else if (session.isSignedIn()) void runner.runDetached(false);
    },
    signIn: (email, password) => session.signIn(email, password),
    signOut: () => session.end(null),
    isIdle: () => scheduler.isIdle(),
    peek: () => ({ data: state.data, connection: state.conn }),
    onRevenueChange: transport.onRevenueChange,
  };
  return engine;
}

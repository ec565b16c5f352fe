import { createChannelSet } from './channel-set';
import { loadingAction } from './dashboard-reducer';
import { createEngineClock } from './engine-clock';
import { DEFAULT_LIVE_OPTIONS, withJitter, type LiveEngineOptions } from './engine-options';
import type { LiveEngine, LiveEngineDeps } from './engine-interface';
import { createEngineState } from './engine-state';
import { engineStep, initialEngineState, type EngineConfig, type EngineEffect, type EngineEvent } from './engine-step';
import { createBrowserEnvironment } from './environment';
import { createPollScheduler } from './poll-scheduler';
import { createSessionKeeper } from './session-keeper';
import { useConnectionStore } from './stores/connection-store';
import { useDashboardStore } from './stores/dashboard-store';
import { useSessionStore } from './stores/session-store';
import { createSyncRunner } from './sync-runner';
import { isCurrentGeneration, isSyncIdle, type SyncOutcome } from './sync-loop';
import type { Viewer } from './transport/transport';
import { EVERYTHING_TOUCHED } from './change-clock';
import type { DashboardAction } from './dashboard-data';
import type { TimerHandle, TouchedEntities } from './types';

/**
 * The one owner of realtime, polling, sync, session and connection state. Subscribe first, then
 * sync; pushes, polls, timers and wake-ups only mark the engine dirty; one dashboard_sync at a time
 * brings everything from the cursor to now. Realtime health (the channels) and API reachability
 * (the syncs) are tracked apart: live = channels ready and a sync since then succeeded.
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

  /** the lifecycle and the sync loop (engine-step.ts): changed only by dispatch(), which performs engineStep's effects */
  let core = initialEngineState({ burst: opts.syncBurst, ratePerSec: opts.syncRatePerSec }, env.monotonic());
  /** the step's one-shot timers: the sync loop's (bucket or backoff) and the channels' readiness deadline */
  const timers = new Map<'sync' | 'ready', TimerHandle>();
  function arm(name: 'sync' | 'ready', ms: number, fired: () => EngineEvent) {
    disarm(name);
    timers.set(name, env.setTimeout(() => {
      timers.delete(name);
      dispatch(fired());
    }, ms));
  }
  function disarm(name: 'sync' | 'ready') {
    const handle = timers.get(name);
    if (handle !== undefined) env.clearTimeout(handle);
    timers.delete(name);
  }
  const running = () => core.life.phase === 'running';
  /** who is signed in (a stand-in while signed out: nothing is opened or asked for then) */
  const viewer = (): Viewer =>
    core.life.phase === 'running' || core.life.phase === 'paused' ? core.life.viewer : { id: '', role: 'admin' };
  const unsubscribers: Array<() => void> = [];

  const jittered = (ms: number) => withJitter(ms, opts.jitter, env.random);
  /** the channels the signed-in viewer needs, every topic of the transport's */
  const channelKeys = () => transport.keys(viewer());

  const pending: EngineEvent[] = [];
  let dispatching = false;
  /** Events raised while effects run (a channel answering at once, say) wait for the step before. */
  function dispatch(event: EngineEvent) {
    pending.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const result = engineStep(core, next, env.monotonic(), coreConfig);
        core = result.state;
        for (const effect of result.effects) perform(effect);
      }
    } finally {
      dispatching = false;
    }
  }

  const transport = deps.transportFor(opts.transport)({
    opts,
    parseDelta: (payload) => api.parseDashboardDelta(payload),
    read: () => state.data,
    act,
    signal,
    touched,
    // a push to follow with a sync, or a gap in the deltas
    markDirty: () => dispatch({ type: 'push' }),
    syncInFlight: () => core.sync.inFlight,
    requestSnapshot: () => runner.requestSnapshot(),
    noteCommit: (commitMs) => runner.noteCommit(commitMs),
    feedCap: () => runner.feedCap(),
    resetFeedCap: () => runner.resetFeedCap(),
    now: () => env.now(),
    monotonic: () => env.monotonic(),
  });
  const coreConfig: EngineConfig = {
    life: { refreshMs: transport.refreshMs, longOfflineMs: opts.longOfflineMs },
    sync: {
      limits: { burst: opts.syncBurst, ratePerSec: opts.syncRatePerSec },
      retryDelaysMs: opts.syncRetryDelaysMs,
      jitter: opts.jitter,
    },
  };

  const runner = createSyncRunner({
    api,
    client,
    env,
    opts,
    read: () => state.data,
    conn: () => state.conn,
    act,
    signal,
    role: () => viewer().role,
    realtimeReady,
    isCurrent: (generation) => isCurrentGeneration(core.sync, generation),
    markDirty: () => dispatch({ type: 'behind' }),
    canSync: () => core.sync.enabled,
    requestOnce: (purpose) => dispatch({ type: 'requestOnce', purpose }),
    hooks: transport,
    onRevenueReplaced: () => transport.revenueReplaced(),
    onUnauthorized: () => {
      // PostgREST rejected the JWT (expired while asleep): refresh, or sign out cleanly
      session.requireRefresh();
      void session.ensure().then((ok) => {
        if (ok) dispatch({ type: 'tokenRefreshed' });
      });
    },
  });

  const polls = createPollScheduler({
    env,
    opts,
    jittered,
    signal,
    shouldPoll: () => running() && (state.conn.state === 'polling' || state.conn.state === 'offline'),
    poll: () => dispatch({ type: 'poll', online: env.isOnline() }),
  });

  const clock = createEngineClock({
    env,
    opts,
    isRunning: running,
    range: () => state.data.revenue.range,
    onWake: () => dispatch({ type: 'wake' }),
    onClockJump: () => dispatch({ type: 'clockJump' }),
    onTick: (monotonicNow) => dispatch({ type: 'tick', msSinceSync: monotonicNow - runner.lastOkAt() }),
    onBoundary: () => dispatch({ type: 'boundary' }),
  });


  const channels = createChannelSet({
    openChannel: (key, handlers) => transport.open(client, key, handlers),
    env,
    opts,
    jittered,
    onChange: (key, payload) => {
      if (running()) transport.receive(key, payload);
    },
    onReady: () => {
      if (realtimeReady()) dispatch({ type: 'channelsReady' });
    },
    onResubscribed: () => dispatch({ type: 'resubscribed' }),
    onFailure: (_table, reason, tokenProblem) => dispatch({ type: 'channelFailed', reason, tokenProblem }),
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
    onSignedIn: (user) => dispatch({ type: 'signedIn', viewer: { id: user.id, role: user.role } }),
    onSignedOut: () => dispatch({ type: 'signedOut' }),
  });

  function realtimeReady(): boolean {
    return running() && channels.allReady(channelKeys());
  }

  // ---- effects: the only place the lifecycle's decisions touch the world ----------------------

  function stopData() {
    channels.closeAll();
    runner.stop();
    disarm('ready');
    polls.cancel();
    clock.stop();
  }

  function perform(effect: EngineEffect) {
    switch (effect.type) {
      case 'request': {
        const { generation, purpose } = effect;
        const loop = purpose.kind === 'loop';
        const settled = (outcome: SyncOutcome) =>
          dispatch({ type: 'syncSettled', generation, loop, outcome, random: env.random() });
        void runner.run(generation, purpose).then(settled, () => settled('failed'));
        return;
      }
      case 'arm':
        return arm('sync', effect.ms, () => ({ type: 'syncTimer' }));
      case 'disarm':
        return disarm('sync');
      case 'stopData':
        return stopData();
      case 'forgetData':
        runner.forget();
        transport.reset();
        act({ type: 'reset' });
        return signal({ type: 'reset', at: env.now() });
      case 'signal':
        if (effect.event === 'connect') return signal({ type: 'connect', at: env.now() });
        if (effect.event === 'pause') return signal({ type: 'pause', at: env.now() });
        return signal({ type: 'realtime-ready', at: env.now() });
      case 'realtimeLost':
        return signal({ type: 'realtime-lost', at: env.now(), reason: effect.reason });
      case 'revenueUnavailable':
        return act({ type: 'revenue/unavailable' });
      case 'revenueRolled':
        return act({ type: 'revenue/rolled', now: env.now() });
      case 'armReadyTimer':
        return arm('ready', opts.readyTimeoutMs, () => ({ type: 'readyTimeout', ready: realtimeReady() }));
      case 'clearReadyTimer':
        return disarm('ready');
      case 'startClock':
        return clock.start();
      case 'scheduleBoundary':
        return clock.scheduleBoundary();
      case 'checkSession': {
        const { run } = effect;
        void session.ensure().then((ok) => dispatch({ type: 'sessionChecked', run, ok }));
        return;
      }
      case 'requireRefresh':
        return session.requireRefresh();
      case 'openChannels':
        return channels.open(channelKeys());
      case 'closeChannels':
        return channels.closeAll();
      case 'reconnectChannels':
        return channels.ensureReconnecting(channelKeys());
      case 'reconnectNow':
        return channels.reconnectNow(channelKeys());
      case 'pollSoon':
        return polls.schedule(0);
      case 'flush':
        return flushNow();
    }
  }

  // ---- listeners ---------------------------------------------------------------------------

  function onVisibility(hidden: boolean) {
    if (!hidden) dispatch({ type: 'visible' });
  }

  function onOnline(online: boolean) {
    dispatch({ type: online ? 'online' : 'offline', monotonic: env.monotonic() });
  }

  // ---- commands ----------------------------------------------------------------------------

  const engine: LiveEngine = {
    start(startOpts = {}) {
      if (core.life.phase !== 'idle') return;
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
      dispatch({ type: 'start', online: env.isOnline(), monotonic: env.monotonic() });
      const { data: auth } = client.auth.onAuthStateChange((event) => {
        // never call back into auth-js from inside its own callback
        env.setTimeout(() => session.onAuthEvent(event), 0);
      });
      unsubscribers.push(() => auth.subscription.unsubscribe());
      sessionStore.getState().loading();
      void session.restore();
    },
    stop() {
      if (core.life.phase === 'stopped') return;
      session.stop();
      dispatch({ type: 'stop' });
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      state.dispose();
    },
    pause: () => dispatch({ type: 'pause' }),
    resume: () => dispatch({ type: 'resume' }),
    setRevenueRange(range) {
      if (range === state.data.revenue.range) return;
      act({ type: 'revenue/loading', range });
      if (viewer().role === 'support') act({ type: 'revenue/unavailable' });
      dispatch({ type: 'rangeChanged' });
    },
    loadOlderActivity() {
      if (session.isSignedIn()) runner.loadOlder();
    },
    retry(part) {
      const { data } = state;
      if (part === 'feed' ? data.feed.status === 'error' : data[part].status === 'error') {
        act(loadingAction(part, data.revenue.range));
      }
      dispatch({ type: 'retry' });
    },
    signIn: (email, password) => session.signIn(email, password),
    signOut: () => session.end(null),
    isIdle: () => isSyncIdle(core.sync),
    peek: () => ({ data: state.data, connection: state.conn }),
    onRevenueChange: transport.onRevenueChange,
  };
  return engine;
}

import type { Viewer } from './transport/transport';

/**
 * The engine's lifecycle: one state, changed only by `step(state, event) → { state, effects }`,
 * which is pure. Every trigger the engine reacts to (sign-in and out, pause, resume, stop, the
 * channels, polls, timer ticks, wake-ups, the tab becoming visible, the browser going on- or
 * offline, a new revenue range, a retry) is an event; the runtime (engine.ts) only interprets the
 * effects. Whether and how urgently to sync is decided here, in `syncFor`.
 *
 *            start                signedIn                 pause
 *   idle ───────────▶ signedOut ───────────▶ running ◀───────────▶ paused
 *                        ▲                     │       resume        │
 *                        └──── signedOut ──────┴─────────────────────┘
 *   any phase ── stop ──▶ stopped (final: every later event is ignored)
 *
 * Invariants:
 * - channels are open, the sync loop enabled, the poller and the clock armed only in `running`;
 *   every way out of `running` emits STOP_DATA, which closes and disarms all of them;
 * - `runs` grows by one each time `running` is entered and `run` is its value then, so an answer
 *   to an earlier entry (the session check that precedes opening the channels) is ignored;
 * - `offlineSince` is the monotonic time the browser went offline (null while online), kept in
 *   every phase, so coming back after a long time offline refreshes the session first;
 * - `paused` and `running` are only reached signed in: `viewer` is the signed-in user (id and role).
 */
export type Lifecycle = { offlineSince: number | null; runs: number } & (
  | { phase: 'idle' }
  | { phase: 'signedOut' }
  | { phase: 'paused'; viewer: Viewer; run: number }
  | { phase: 'running'; viewer: Viewer; run: number }
  | { phase: 'stopped' }
);

export type LifecycleEvent =
  | { type: 'start'; online: boolean; monotonic: number }
  | { type: 'stop' }
  | { type: 'signedIn'; viewer: Viewer }
  | { type: 'signedOut' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** the session check made on entering `running` (`run`) answered: open the channels or wait */
  | { type: 'sessionChecked'; run: number; ok: boolean }
  /** the channels did not all confirm within readyTimeoutMs (`ready`: they have since) */
  | { type: 'readyTimeout'; ready: boolean }
  /** every channel the role needs is subscribed */
  | { type: 'channelsReady' }
  | { type: 'channelFailed'; reason: string; tokenProblem: boolean }
  /** the server redid a subscription (new token): changes may have slipped through */
  | { type: 'resubscribed' }
  /** a realtime push or delta the transport could not settle by itself */
  | { type: 'push' }
  /** the held state is known to be behind (a gap in the deltas, more rows than one answer held, an older page waiting) */
  | { type: 'behind' }
  /** the session was refreshed after PostgREST refused the token */
  | { type: 'tokenRefreshed' }
  /** the poller's interval came round while realtime is down */
  | { type: 'poll'; online: boolean }
  /** the clock's tick; `msSinceSync`: since the last sync that succeeded */
  | { type: 'tick'; msSinceSync: number }
  | { type: 'wake' }
  | { type: 'clockJump' }
  /** a revenue bucket boundary (wall clock) passed */
  | { type: 'boundary' }
  | { type: 'visible' }
  | { type: 'online'; monotonic: number }
  | { type: 'offline'; monotonic: number }
  /** the revenue range changed (the dashboard already shows it loading) */
  | { type: 'rangeChanged' }
  /** the user asked to retry a part that failed (the dashboard already shows it loading) */
  | { type: 'retry' };

export type LifecycleEffect =
  /** close the channels, disable the sync loop (dropping answers under way), stop the runner, the poller, the clock, the ready timer */
  | { type: 'stopData' }
  /** forget what is held: the cursor, the ledger, the dashboard, the connection's counters */
  | { type: 'forgetData' }
  | { type: 'signal'; event: 'connect' | 'pause' | 'realtimeReady' }
  | { type: 'realtimeLost'; reason: string }
  | { type: 'revenueUnavailable' }
  /** the revenue windows move with the wall clock: roll them to now */
  | { type: 'revenueRolled' }
  | { type: 'armReadyTimer' }
  | { type: 'clearReadyTimer' }
  | { type: 'startClock' }
  | { type: 'scheduleBoundary' }
  /** make sure the session is usable, then answer with `sessionChecked` for this run */
  | { type: 'checkSession'; run: number }
  | { type: 'requireRefresh' }
  | { type: 'openChannels' }
  | { type: 'closeChannels' }
  /** keep the channels coming back in the background (backoff) */
  | { type: 'reconnectChannels' }
  /** try the channels again now, forgetting the backoff */
  | { type: 'reconnectNow' }
  /** the poller: its next round now, if it is polling */
  | { type: 'pollSoon' }
  /** mark: sync when the rate allows; kick: forget the backoff and sync now */
  | { type: 'sync'; how: 'mark' | 'kick' }
  | { type: 'enableSync' }
  /** one sync outside the running loop (paused: a new range or a retry still gets its figures) */
  | { type: 'syncOnce'; revenueOnly: boolean }
  | { type: 'flush' };

export interface LifecycleConfig {
  /** the longest the clock lets pass without a sync (time windows move without events) */
  refreshMs: number;
  /** offline longer than this: refresh the session before joining again */
  longOfflineMs: number;
}

export interface Step {
  state: Lifecycle;
  effects: LifecycleEffect[];
}

export const initialLifecycle: Lifecycle = { phase: 'idle', offlineSince: null, runs: 0 };

const STOP_DATA: LifecycleEffect = { type: 'stopData' };

/** Entering `running`: subscribe first (after the session check), then sync. */
function enterRunning(state: Lifecycle, viewer: Viewer): Step {
  const run = state.runs + 1;
  const effects: LifecycleEffect[] = [{ type: 'signal', event: 'connect' }];
  if (viewer.role === 'support') effects.push({ type: 'revenueUnavailable' });
  effects.push(
    { type: 'armReadyTimer' },
    { type: 'startClock' },
    // dirty from the start: the first sync runs once the channels are confirmed (or polling begins)
    ...syncFor('start'),
    { type: 'checkSession', run },
  );
  return { state: { offlineSince: state.offlineSince, runs: run, phase: 'running', viewer, run }, effects };
}

/** Realtime is down: say why, and let the sync loop run on polls. */
function goPolling(reason: string): LifecycleEffect[] {
  return [{ type: 'realtimeLost', reason }, { type: 'enableSync' }];
}

/**
 * The one place that decides whether a trigger syncs, and how: `mark` syncs when the rate allows
 * (changes coalesce), `kick` forgets the backoff and syncs now (a wake-up of some kind).
 */
export function syncFor(
  trigger:
    | 'start' | 'push' | 'behind' | 'poll' | 'stale' | 'boundary' | 'resubscribed'
    | 'ready' | 'wake' | 'visible' | 'online' | 'asked' | 'refreshed',
): LifecycleEffect[] {
  switch (trigger) {
    case 'start':
    case 'push':
    case 'behind':
    case 'poll':
    case 'stale':
    case 'boundary':
    case 'resubscribed':
      return [{ type: 'sync', how: 'mark' }];
    case 'ready':
    case 'wake':
    case 'visible':
    case 'online':
    case 'asked':
    case 'refreshed':
      return [{ type: 'sync', how: 'kick' }];
  }
}

export function step(state: Lifecycle, event: LifecycleEvent, config: LifecycleConfig): Step {
  const same = (effects: LifecycleEffect[] = []): Step => ({ state, effects });
  if (state.phase === 'stopped') return same();

  // The browser's connectivity is tracked in every phase.
  if (event.type === 'offline' && state.phase !== 'running') {
    return { state: { ...state, offlineSince: state.offlineSince ?? event.monotonic }, effects: [] };
  }
  if (event.type === 'online' && state.phase !== 'running') {
    return { state: { ...state, offlineSince: null }, effects: [] };
  }

  switch (event.type) {
    case 'start':
      if (state.phase !== 'idle') return same();
      return { state: { phase: 'signedOut', offlineSince: event.online ? null : event.monotonic, runs: state.runs }, effects: [] };
    case 'stop':
      return { state: { phase: 'stopped', offlineSince: state.offlineSince, runs: state.runs }, effects: [STOP_DATA, { type: 'flush' }] };
    case 'signedIn':
      if (state.phase === 'signedOut') return enterRunning(state, event.viewer);
      if (state.phase === 'running' || state.phase === 'paused') {
        return { state: { ...state, viewer: event.viewer }, effects: [] };
      }
      return same();
    case 'signedOut':
      if (state.phase === 'idle') return same();
      return {
        state: { phase: 'signedOut', offlineSince: state.offlineSince, runs: state.runs },
        effects: [STOP_DATA, { type: 'forgetData' }, { type: 'flush' }],
      };
    case 'pause':
      if (state.phase !== 'running') return same();
      return {
        state: { ...state, phase: 'paused' },
        effects: [STOP_DATA, { type: 'signal', event: 'pause' }, { type: 'flush' }],
      };
    case 'resume':
      if (state.phase !== 'paused') return same();
      return enterRunning(state, state.viewer);
    case 'rangeChanged':
      if (state.phase === 'running') return same([{ type: 'scheduleBoundary' }, ...syncFor('asked')]);
      if (state.phase === 'paused' && state.viewer.role === 'admin') return same([{ type: 'syncOnce', revenueOnly: true }]);
      return same();
    case 'retry':
      if (state.phase === 'running') return same(syncFor('asked'));
      if (state.phase === 'paused') return same([{ type: 'syncOnce', revenueOnly: false }]);
      return same();
  }

  // Everything below concerns the running data pipeline only.
  if (state.phase !== 'running') return same();
  switch (event.type) {
    case 'sessionChecked':
      if (event.run !== state.run) return same();
      return same([event.ok ? { type: 'openChannels' } : { type: 'reconnectChannels' }]);
    case 'readyTimeout':
      return same(event.ready ? [] : goPolling('Realtime did not confirm the subscriptions in time'));
    case 'channelsReady':
      // one sync that starts now covers what happened while the channels were down → live
      return same([{ type: 'clearReadyTimer' }, { type: 'signal', event: 'realtimeReady' }, ...syncFor('ready'), { type: 'enableSync' }]);
    case 'channelFailed':
      return same([...(event.tokenProblem ? [{ type: 'requireRefresh' } as const] : []), ...goPolling(event.reason)]);
    case 'resubscribed':
      return same(syncFor('resubscribed'));
    case 'push':
      return same(syncFor('push'));
    case 'behind':
      return same(syncFor('behind'));
    case 'tokenRefreshed':
      return same(syncFor('refreshed'));
    case 'poll':
      // channels keep coming back in the background (while offline, the 'online' event does it)
      return same([...syncFor('poll'), { type: 'enableSync' }, ...(event.online ? [{ type: 'reconnectChannels' } as const] : [])]);
    case 'tick':
      // the 24 h windows move with time: a sync now and then, even when nothing changes
      return same(event.msSinceSync >= config.refreshMs ? syncFor('stale') : []);
    case 'clockJump':
    case 'boundary':
      return same([{ type: 'revenueRolled' }, ...syncFor('boundary')]);
    case 'wake':
      // after sleep the socket is likely dead and the token may have expired: start over from the cursor
      return same([
        { type: 'requireRefresh' },
        { type: 'closeChannels' },
        ...goPolling('Woke up after sleep'),
        { type: 'reconnectNow' },
        { type: 'revenueRolled' },
        ...syncFor('wake'),
      ]);
    case 'visible':
      // timers of a hidden tab are throttled: the wall-clock boundary may have passed meanwhile
      return same([{ type: 'scheduleBoundary' }, { type: 'revenueRolled' }, { type: 'pollSoon' }, ...syncFor('visible')]);
    case 'offline':
      return {
        state: { ...state, offlineSince: state.offlineSince ?? event.monotonic },
        effects: [{ type: 'closeChannels' }, ...goPolling('The browser is offline')],
      };
    case 'online': {
      const long = state.offlineSince !== null && event.monotonic - state.offlineSince > config.longOfflineMs;
      return {
        state: { ...state, offlineSince: null },
        effects: [
          // the token may have expired meanwhile: refresh first, then join again with the new one
          ...(long
            ? [{ type: 'requireRefresh' } as const, { type: 'closeChannels' } as const, ...goPolling('Back online after a long time offline')]
            : []),
          { type: 'pollSoon' },
          ...syncFor('online'),
          { type: 'reconnectNow' },
        ],
      };
    }
    default:
      return same();
  }
}

import { initialLifecycle, step as lifecycleStep, type Lifecycle, type LifecycleConfig, type LifecycleEffect, type LifecycleEvent } from './lifecycle';
import {
  initialSyncLoop,
  syncStep,
  type OneOff,
  type SyncLoop,
  type SyncLoopConfig,
  type SyncLoopEffect,
  type SyncLoopEvent,
  type SyncOutcome,
} from './sync-loop';
import type { BucketLimits } from './token-bucket';

/**
 * The engine's state: its lifecycle (lifecycle.ts) and its sync loop (sync-loop.ts), changed
 * together by one pure `engineStep`. The lifecycle decides what a trigger means (mark, kick,
 * enable, disable, a paused one-off); those decisions are applied to the sync loop in the same
 * step, and only what touches the world (requests, timers, channels, stores) leaves as effects.
 *
 * Invariants (on top of each part's own):
 * - the sync loop is enabled only while the lifecycle is `running`: leaving it disables the loop
 *   in the same step (STOP_DATA), entering it enables it only once the channels are ready or
 *   realtime is given up for polling;
 * - a request is started only by this step, so a request in flight and the phase never disagree.
 */
export interface EngineState {
  life: Lifecycle;
  sync: SyncLoop;
}

export type EngineEvent =
  | LifecycleEvent
  /** the sync loop's timer (token bucket or backoff) fired */
  | { type: 'syncTimer' }
  /** a request settled; `random` in [0, 1) draws the backoff's jitter */
  | { type: 'syncSettled'; generation: number; loop: boolean; outcome: SyncOutcome; random: number }
  /** paused: one request outside the schedule (an older page's epoch check) */
  | { type: 'requestOnce'; purpose: OneOff };

export type EngineEffect = Exclude<LifecycleEffect, { type: 'sync' | 'enableSync' | 'syncOnce' }> | SyncLoopEffect;

export interface EngineConfig {
  life: LifecycleConfig;
  sync: SyncLoopConfig;
}

export function initialEngineState(limits: BucketLimits, monotonicNow: number): EngineState {
  return { life: initialLifecycle, sync: initialSyncLoop(limits, monotonicNow) };
}

/** What a lifecycle decision asks of the sync loop (null: nothing). */
function syncEventFor(effect: LifecycleEffect): SyncLoopEvent | null {
  switch (effect.type) {
    case 'sync':
      return { type: effect.how === 'kick' ? 'kick' : 'mark' };
    case 'enableSync':
      return { type: 'enable' };
    case 'syncOnce':
      return { type: 'once', purpose: { kind: 'paused', revenueOnly: effect.revenueOnly } };
    case 'stopData':
      return { type: 'disable' };
    default:
      return null;
  }
}

export function engineStep(
  state: EngineState,
  event: EngineEvent,
  monotonicNow: number,
  config: EngineConfig,
): { state: EngineState; effects: EngineEffect[] } {
  const onSync = (sync: SyncLoop, e: SyncLoopEvent) => syncStep(sync, e, monotonicNow, config.sync);
  if (event.type === 'syncTimer' || event.type === 'syncSettled' || event.type === 'requestOnce') {
    const e: SyncLoopEvent =
      event.type === 'syncTimer'
        ? { type: 'timer' }
        : event.type === 'requestOnce'
          ? { type: 'once', purpose: event.purpose }
          : { ...event, type: 'settled' };
    const r = onSync(state.sync, e);
    return { state: { ...state, sync: r.state }, effects: r.effects };
  }
  const life = lifecycleStep(state.life, event, config.life);
  let sync = state.sync;
  const effects: EngineEffect[] = [];
  for (const effect of life.effects) {
    const e = syncEventFor(effect);
    if (e !== null) {
      const r = onSync(sync, e);
      sync = r.state;
      effects.push(...r.effects);
    }
    if (effect.type !== 'sync' && effect.type !== 'enableSync' && effect.type !== 'syncOnce') effects.push(effect);
  }
  return { state: { life: life.state, sync }, effects };
}

import {
  initialSyncLoop,
  isCurrentGeneration,
  isSyncIdle,
  syncStep,
  type OneOff,
  type SyncLoopConfig,
  type SyncLoopEffect,
  type SyncLoopEvent,
  type SyncOutcome,
  type SyncPurpose,
} from '@/live/sync-loop';
import type { BucketLimits } from '@/live/token-bucket';
import type { LiveEnvironment, TimerHandle } from '@/live/types';

// The engine interprets syncStep's effects itself (engine.ts); this is the same interpretation
// alone, so that the loop's timing can be tested without an engine around it.
interface SyncSchedulerDeps {
  env: LiveEnvironment;
  limits: BucketLimits;
  retryDelaysMs: readonly number[];
  /** the backoff's jitter (0.2 = ± 20 %) */
  jitter: number;
  /** one sync; `generation` tells it whether its answer is still wanted (isCurrent) */
  run(generation: number, purpose: SyncPurpose): Promise<SyncOutcome>;
}

/** The runtime of `syncStep`: it holds the state and the one timer, and starts the requests. */
export function createSyncScheduler(deps: SyncSchedulerDeps) {
  const { env } = deps;
  const config: SyncLoopConfig = { limits: deps.limits, retryDelaysMs: deps.retryDelaysMs, jitter: deps.jitter };
  let state = initialSyncLoop(deps.limits, env.monotonic());
  let timer: TimerHandle | null = null;
  const queue: SyncLoopEvent[] = [];
  let dispatching = false;

  function dispatch(event: SyncLoopEvent) {
    queue.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const result = syncStep(state, next, env.monotonic(), config);
        state = result.state;
        for (const effect of result.effects) perform(effect);
      }
    } finally {
      dispatching = false;
    }
  }

  function perform(effect: SyncLoopEffect) {
    if (effect.type === 'arm') {
      timer = env.setTimeout(() => {
        timer = null;
        dispatch({ type: 'timer' });
      }, effect.ms);
    } else if (effect.type === 'disarm') {
      if (timer !== null) env.clearTimeout(timer);
      timer = null;
    } else {
      const { generation, purpose } = effect;
      const loop = purpose.kind === 'loop';
      const settled = (outcome: SyncOutcome) => dispatch({ type: 'settled', generation, loop, outcome, random: env.random() });
      void deps.run(generation, purpose).then(settled, () => settled('failed'));
    }
  }

  return {
    markDirty: () => dispatch({ type: 'mark' }),
    kick: () => dispatch({ type: 'kick' }),
    enable: () => dispatch({ type: 'enable' }),
    disable: () => dispatch({ type: 'disable' }),
    once: (purpose: OneOff) => dispatch({ type: 'once', purpose }),
    isCurrent: (g: number) => isCurrentGeneration(state, g),
    isEnabled: () => state.enabled,
    isIdle: () => isSyncIdle(state),
    /** a request is outstanding (its answer, or its failure, is still to come) */
    inFlight: () => state.inFlight,
    failures: () => state.failures,
  };
}


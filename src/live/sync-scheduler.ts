import type { LiveEnvironment, TimerHandle } from './environment';
import { fullBucket, takeToken, waitForToken, type BucketLimits } from './token-bucket';

export type SyncOutcome = 'ok' | 'failed';

/** What a request is for (sync-runner.ts): the schedule's sync, or one asked for while paused. */
export type SyncPurpose =
  | { kind: 'loop' }
  /** a retry (everything) or a new range (`revenueOnly`: the chart only) */
  | { kind: 'paused'; revenueOnly: boolean }
  /** only whether the log's epoch still holds, for an older page to join */
  | { kind: 'confirm' };
type OneOff = Exclude<SyncPurpose, { kind: 'loop' }>;

export interface SyncSchedulerDeps {
  env: LiveEnvironment;
  limits: BucketLimits;
  /** after the n-th failure in a row, wait retryDelaysMs[n-1] (the last one repeats), jittered */
  retryDelaysMs: readonly number[];
  jittered(ms: number): number;
  /** one sync; `generation` tells it whether its answer is still wanted (isCurrent) */
  run(generation: number, purpose?: SyncPurpose): Promise<SyncOutcome>;
}

/**
 * When to sync. Pushes, polls, timers and wake-ups only mark the engine dirty; one sync runs at a
 * time; a change while idle syncs at once (leading edge); a token bucket bounds the rate whatever
 * the event rate; a failed sync retries with backoff and jitter. Every interval here is on the
 * monotonic clock. One generation: bumped by disable(), so answers from before are dropped.
 * While disabled (paused), `once()` queues a request outside the schedule (one per kind); it too
 * waits for whatever is in flight, so there is never more than one request at a time.
 */
export function createSyncScheduler(deps: SyncSchedulerDeps) {
  const { env, limits } = deps;
  let bucket = fullBucket(limits, env.monotonic());
  let enabled = false;
  let dirty = false;
  /** a request is outstanding, whatever its generation: never two at once (pause/resume included) */
  let inFlight = false;
  let timer: TimerHandle | null = null;
  let failures = 0;
  let retryAt = Number.NEGATIVE_INFINITY;
  let generation = 0;
  let oneOffs: OneOff[] = [];

  function clearTimer() {
    if (timer !== null) env.clearTimeout(timer);
    timer = null;
  }

  function pump() {
    if (!enabled && !inFlight && oneOffs.length > 0) {
      const [purpose, ...rest] = oneOffs as [OneOff, ...OneOff[]];
      oneOffs = rest;
      inFlight = true;
      const settle = () => {
        inFlight = false;
        pump();
      };
      void deps.run(generation, purpose).then(settle, settle);
      return;
    }
    if (!enabled || inFlight || !dirty || timer !== null) return;
    const now = env.monotonic();
    const wait = Math.max(waitForToken(bucket, limits, now), retryAt - now);
    if (wait > 0) {
      timer = env.setTimeout(() => {
        timer = null;
        pump();
      }, wait);
      return;
    }
    const taken = takeToken(bucket, limits, now);
    if (taken === null) return; // cannot happen after waitForToken() = 0; pump again on the next mark
    bucket = taken;
    dirty = false;
    inFlight = true;
    const mine = generation;
    void deps.run(mine).then(
      (outcome) => finish(mine, outcome),
      () => finish(mine, 'failed'),
    );
  }

  function finish(mine: number, outcome: SyncOutcome) {
    inFlight = false;
    if (mine !== generation) {
      // an answer from before disable(): dropped, but the way is free for the one now wanted
      pump();
      return;
    }
    if (outcome === 'failed') {
      failures += 1;
      const delays = deps.retryDelaysMs;
      retryAt = env.monotonic() + deps.jittered(delays[Math.min(failures, delays.length) - 1] ?? 1_000);
      dirty = true;
    } else {
      failures = 0;
      retryAt = Number.NEGATIVE_INFINITY;
    }
    pump();
  }

  return {
    /** something may have changed: sync as soon as the bucket (and a backoff) allows */
    markDirty() {
      dirty = true;
      pump();
    },
    /** a wake-up (back online, tab visible, resumed): forget the backoff and sync now if allowed */
    kick() {
      retryAt = Number.NEGATIVE_INFINITY;
      dirty = true;
      clearTimer();
      pump();
    },
    enable() {
      enabled = true;
      oneOffs = [];
      pump();
    },
    /** disabled (paused): one request outside the schedule, after whatever is in flight */
    once(purpose: OneOff) {
      if (enabled) return;
      const same = oneOffs.find((o) => o.kind === purpose.kind);
      if (same === undefined) oneOffs = [...oneOffs, purpose];
      else if (same.kind === 'paused' && purpose.kind === 'paused' && !purpose.revenueOnly) {
        oneOffs = oneOffs.map((o) => (o === same ? purpose : o));
      }
      pump();
    },
    /**
     * nothing runs; an answer still under way is dropped (its generation is over), but it stays
     * outstanding: the next sync starts only once it has settled
     */
    disable() {
      generation += 1;
      enabled = false;
      dirty = false;
      failures = 0;
      retryAt = Number.NEGATIVE_INFINITY;
      oneOffs = [];
      clearTimer();
    },
    isCurrent: (g: number) => g === generation && enabled,
    isEnabled: () => enabled,
    isIdle: () => !inFlight && timer === null && (!dirty || !enabled) && oneOffs.length === 0,
    /** a request is outstanding (its answer, or its failure, is still to come) */
    inFlight: () => inFlight,
    failures: () => failures,
  };
}

export type SyncScheduler = ReturnType<typeof createSyncScheduler>;

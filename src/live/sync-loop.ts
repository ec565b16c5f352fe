import { fullBucket, takeToken, waitForToken, type BucketLimits, type TokenBucket } from './token-bucket';

export type SyncOutcome = 'ok' | 'failed';

/** What a request is for (sync-runner.ts): the schedule's sync, or one asked for while paused. */
export type SyncPurpose =
  | { kind: 'loop' }
  /** a retry (everything) or a new range (`revenueOnly`: the chart only) */
  | { kind: 'paused'; revenueOnly: boolean }
  /** only whether the log's epoch still holds, for an older page to join */
  | { kind: 'confirm' };
export type OneOff = Exclude<SyncPurpose, { kind: 'loop' }>;

/**
 * When to sync, as data, changed only by `syncStep` (pure). Pushes, polls, timers and wake-ups only
 * mark it dirty; one request runs at a time; a change while idle syncs at once (leading edge); a
 * token bucket bounds the rate whatever the event rate; a failed sync retries with backoff and
 * jitter. Every time here is monotonic.
 *
 * Invariants:
 * - at most one request is outstanding (`inFlight`), whatever its generation or purpose: pausing,
 *   resuming or signing out never starts a second one beside it;
 * - `generation` grows on disable(): an answer to an earlier generation is not the loop's any more
 *   (the runner drops it), but its settling still frees the way;
 * - a loop request starts only while `enabled`, `dirty`, no timer is armed (`waiting`), a token is
 *   there and any backoff is over; a one-off (paused) request only while disabled;
 * - `waiting` is true exactly while the runtime holds an armed timer.
 */
export interface SyncLoop {
  enabled: boolean;
  dirty: boolean;
  inFlight: boolean;
  waiting: boolean;
  failures: number;
  retryAt: number;
  generation: number;
  bucket: TokenBucket;
  /** paused: requests outside the schedule, one per kind */
  oneOffs: OneOff[];
}

export type SyncLoopEvent =
  /** something may have changed: sync as soon as the bucket (and a backoff) allows */
  | { type: 'mark' }
  /** a wake-up (back online, tab visible, resumed): forget the backoff and sync now if allowed */
  | { type: 'kick' }
  | { type: 'enable' }
  /** nothing runs; an answer under way is dropped (its generation is over) but stays outstanding */
  | { type: 'disable' }
  /** disabled (paused): one request outside the schedule, after whatever is in flight */
  | { type: 'once'; purpose: OneOff }
  | { type: 'timer' }
  /** a request settled; `random` in [0, 1) draws the backoff's jitter */
  | { type: 'settled'; generation: number; loop: boolean; outcome: SyncOutcome; random: number };

export type SyncLoopEffect =
  | { type: 'request'; generation: number; purpose: SyncPurpose }
  | { type: 'arm'; ms: number }
  | { type: 'disarm' };

export interface SyncLoopConfig {
  limits: BucketLimits;
  /** after the n-th failure in a row, wait retryDelaysMs[n-1] (the last one repeats), jittered */
  retryDelaysMs: readonly number[];
  jitter: number;
}

const LOOP: SyncPurpose = { kind: 'loop' };

export function initialSyncLoop(limits: BucketLimits, monotonicNow: number): SyncLoop {
  return {
    enabled: false,
    dirty: false,
    inFlight: false,
    waiting: false,
    failures: 0,
    retryAt: Number.NEGATIVE_INFINITY,
    generation: 0,
    bucket: fullBucket(limits, monotonicNow),
    oneOffs: [],
  };
}

/** An answer to `generation` is still the loop's (no disable() since it was asked for). */
export function isCurrentGeneration(s: SyncLoop, generation: number): boolean {
  return generation === s.generation && s.enabled;
}

/** Nothing in flight, no timer armed, nothing owed (tests and benches wait on this). */
export function isSyncIdle(s: SyncLoop): boolean {
  return !s.inFlight && !s.waiting && (!s.dirty || !s.enabled) && s.oneOffs.length === 0;
}

interface Step {
  state: SyncLoop;
  effects: SyncLoopEffect[];
}

/** Starts what may start now: the one place that decides whether a request goes out. */
function pump(s: SyncLoop, monotonicNow: number, config: SyncLoopConfig, effects: SyncLoopEffect[] = []): Step {
  if (!s.enabled && !s.inFlight && s.oneOffs.length > 0) {
    const [purpose, ...rest] = s.oneOffs as [OneOff, ...OneOff[]];
    return { state: { ...s, oneOffs: rest, inFlight: true }, effects: [...effects, { type: 'request', generation: s.generation, purpose }] };
  }
  if (!s.enabled || s.inFlight || !s.dirty || s.waiting) return { state: s, effects };
  const wait = Math.max(waitForToken(s.bucket, config.limits, monotonicNow), s.retryAt - monotonicNow);
  if (wait > 0) return { state: { ...s, waiting: true }, effects: [...effects, { type: 'arm', ms: wait }] };
  const bucket = takeToken(s.bucket, config.limits, monotonicNow);
  if (bucket === null) return { state: s, effects }; // cannot happen after waitForToken() = 0
  return {
    state: { ...s, bucket, dirty: false, inFlight: true },
    effects: [...effects, { type: 'request', generation: s.generation, purpose: LOOP }],
  };
}

function disarm(s: SyncLoop): Step {
  return s.waiting ? { state: { ...s, waiting: false }, effects: [{ type: 'disarm' }] } : { state: s, effects: [] };
}

export function syncStep(s: SyncLoop, event: SyncLoopEvent, monotonicNow: number, config: SyncLoopConfig): Step {
  switch (event.type) {
    case 'mark':
      return pump({ ...s, dirty: true }, monotonicNow, config);
    case 'kick': {
      const d = disarm({ ...s, retryAt: Number.NEGATIVE_INFINITY, dirty: true });
      return pump(d.state, monotonicNow, config, d.effects);
    }
    case 'enable':
      return pump({ ...s, enabled: true, oneOffs: [] }, monotonicNow, config);
    case 'disable': {
      const d = disarm(s);
      return {
        state: { ...d.state, generation: s.generation + 1, enabled: false, dirty: false, failures: 0, retryAt: Number.NEGATIVE_INFINITY, oneOffs: [] },
        effects: d.effects,
      };
    }
    case 'once': {
      if (s.enabled) return { state: s, effects: [] };
      const { purpose } = event;
      const same = s.oneOffs.find((o) => o.kind === purpose.kind);
      let oneOffs = s.oneOffs;
      if (same === undefined) oneOffs = [...oneOffs, purpose];
      // a retry widens a pending new range (both are answered by one full answer)
      else if (same.kind === 'paused' && purpose.kind === 'paused' && !purpose.revenueOnly) oneOffs = oneOffs.map((o) => (o === same ? purpose : o));
      return pump({ ...s, oneOffs }, monotonicNow, config);
    }
    case 'timer':
      return pump({ ...s, waiting: false }, monotonicNow, config);
    case 'settled': {
      const freed = { ...s, inFlight: false };
      // an answer from before disable(), or a paused request: the way is free for the next one
      if (!event.loop || event.generation !== s.generation) return pump(freed, monotonicNow, config);
      if (event.outcome === 'ok') return pump({ ...freed, failures: 0, retryAt: Number.NEGATIVE_INFINITY }, monotonicNow, config);
      const failures = s.failures + 1;
      const delay = config.retryDelaysMs[Math.min(failures, config.retryDelaysMs.length) - 1] ?? 1_000;
      const jittered = Math.round(delay * (1 - config.jitter + 2 * config.jitter * event.random));
      return pump({ ...freed, failures, retryAt: monotonicNow + jittered, dirty: true }, monotonicNow, config);
    }
  }
}

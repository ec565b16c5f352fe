import type { LiveEngineOptions } from './engine-options';
import { nextBucketBoundary } from './revenue-window';
import type { LiveEnvironment, RevenueRange, TimerHandle } from './types';

export interface EngineClockDeps {
  env: LiveEnvironment;
  opts: LiveEngineOptions;
  isRunning(): boolean;
  range(): RevenueRange;
  /** the tick came far too late on the monotonic clock: the machine slept */
  onWake(): void;
  /** the wall clock stepped (or the machine slept without the monotonic clock moving) */
  onClockJump(): void;
  /** an ordinary tick (monotonic now): the 24 h windows move with time even without events */
  onTick(monotonicNow: number): void;
  /** a new revenue bucket began (wall clock) */
  onBoundary(): void;
}

/**
 * The engine's own timers. The tick runs on the monotonic clock and compares it with the wall
 * clock: a late tick is sleep, a drift between the two is a stepped clock (or a sleep the
 * monotonic clock did not count). The revenue bucket boundary is a wall-clock moment, so it is
 * scheduled from the wall clock and scheduled again on every wake, drift and visibility change.
 */
export function createEngineClock(deps: EngineClockDeps) {
  const { env, opts } = deps;
  let tickTimer: TimerHandle | null = null;
  let boundaryTimer: TimerHandle | null = null;
  let lastMono = env.monotonic();
  let lastWall = env.now();

  function tick() {
    tickTimer = null;
    if (!deps.isRunning()) return;
    const mono = env.monotonic();
    const wall = env.now();
    const monoGap = mono - lastMono;
    const drift = wall - lastWall - monoGap;
    lastMono = mono;
    lastWall = wall;
    if (monoGap > opts.tickMs + opts.sleepGapMs || drift > opts.sleepGapMs) {
      scheduleBoundary();
      deps.onWake();
    } else if (Math.abs(drift) > opts.clockDriftMs) {
      scheduleBoundary();
      deps.onClockJump();
    } else deps.onTick(mono);
    tickTimer = env.setTimeout(tick, opts.tickMs);
  }

  function scheduleBoundary() {
    if (boundaryTimer !== null) env.clearTimeout(boundaryTimer);
    boundaryTimer = null;
    if (!deps.isRunning()) return;
    const now = env.now();
    const delay = Math.max(0, nextBucketBoundary(deps.range(), now) - now) + 500;
    boundaryTimer = env.setTimeout(() => {
      boundaryTimer = null;
      if (!deps.isRunning()) return;
      deps.onBoundary();
      scheduleBoundary();
    }, delay);
  }

  return {
    start() {
      lastMono = env.monotonic();
      lastWall = env.now();
      if (tickTimer !== null) env.clearTimeout(tickTimer);
      tickTimer = env.setTimeout(tick, opts.tickMs);
      scheduleBoundary();
    },
    /** a new range, a visible tab or a resume: the next boundary from the wall clock as it is now */
    scheduleBoundary,
    stop() {
      if (tickTimer !== null) env.clearTimeout(tickTimer);
      if (boundaryTimer !== null) env.clearTimeout(boundaryTimer);
      tickTimer = null;
      boundaryTimer = null;
    },
  };
}

import type { LiveEngineOptions } from './engine-options';
import type { LiveEnvironment, TimerHandle } from './environment';
import { nextBucketBoundary } from './revenue-window';
import type { RevenueRange } from './types';

export interface EngineClockDeps {
  env: LiveEnvironment;
  opts: LiveEngineOptions;
  isRunning(): boolean;
  range(): RevenueRange;
  /** the tick came far too late: the machine slept */
  onWake(): void;
  /** an ordinary tick: KPIs (the 24 h windows) move with time even without events */
  onTick(now: number): void;
  /** a new revenue bucket began */
  onBoundary(): void;
}

/** The engine's own timers: a steady tick that notices sleep, and the next revenue bucket boundary. */
export function createEngineClock(deps: EngineClockDeps) {
  const { env, opts } = deps;
  let tickTimer: TimerHandle | null = null;
  let boundaryTimer: TimerHandle | null = null;
  let lastTickAt = env.now();

  function tick() {
    tickTimer = null;
    if (!deps.isRunning()) return;
    const now = env.now();
    const gap = now - lastTickAt;
    lastTickAt = now;
    if (gap > opts.tickMs + opts.sleepGapMs) deps.onWake();
    else deps.onTick(now);
    tickTimer = env.setTimeout(tick, opts.tickMs);
  }

  function scheduleBoundary() {
    if (boundaryTimer !== null) env.clearTimeout(boundaryTimer);
    const now = env.now();
    const delay = nextBucketBoundary(deps.range(), now) - now + 500;
    boundaryTimer = env.setTimeout(() => {
      boundaryTimer = null;
      if (!deps.isRunning()) return;
      deps.onBoundary();
      scheduleBoundary();
    }, delay);
  }

  return {
    start() {
      lastTickAt = env.now();
      tickTimer = env.setTimeout(tick, opts.tickMs);
      scheduleBoundary();
    },
    scheduleBoundary,
    stop() {
      if (tickTimer !== null) env.clearTimeout(tickTimer);
      if (boundaryTimer !== null) env.clearTimeout(boundaryTimer);
      tickTimer = null;
      boundaryTimer = null;
    },
  };
}

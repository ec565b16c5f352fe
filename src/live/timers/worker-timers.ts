import type { TimerSource } from './timer-source';
import type { TimerHandle } from '../types';

/** The part of a dedicated Worker these timers use (tests pass a fake). */
export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error', listener: (event: { data?: unknown }) => void): void;
  terminate(): void;
}

export interface WorkerTimersDeps {
  /** makes the worker running `src/lib/live-worker.js` (called on the first timer) */
  createWorker(): WorkerLike;
  /** where timers go when no worker can run (its script did not load, a CSP forbids it) */
  fallback: TimerSource;
  /** monotonic ms: what is left of a timer moved to the fallback */
  monotonic(): number;
}

interface Pending {
  fn: () => void;
  due: number;
  /** set once the timer was moved to the fallback clock */
  fallback: TimerHandle | null;
}

/**
 * Timers kept on a dedicated Worker's clock. Chrome throttles a page hidden for 5 minutes to one
 * wake-up a minute for chained timers (a timer armed from a timer's callback: every poll, tick and
 * heartbeat loop), but not a dedicated worker's timers, and the worker's message wakes the page at
 * once. The callbacks still run on the page, as the worker's `fire` message arrives.
 *
 * Invariant: every timer set and neither fired nor cleared is in `pending`, armed on exactly one
 * clock: the worker's while the worker works, else the fallback's (a worker that fails moves its
 * timers there with what is left of their delay).
 */
export function createWorkerTimers(deps: WorkerTimersDeps): TimerSource {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: WorkerLike | 'none' | 'failed' = 'none';

  function fire(id: number) {
    const timer = pending.get(id);
    if (!timer) return;
    pending.delete(id);
    timer.fn();
  }

  function armOnFallback(id: number, timer: Pending) {
    timer.fallback = deps.fallback.setTimeout(() => fire(id), Math.max(0, timer.due - deps.monotonic()));
  }

  function fail() {
    if (worker !== 'none' && worker !== 'failed') worker.terminate();
    worker = 'failed';
    for (const [id, timer] of pending) if (timer.fallback === null) armOnFallback(id, timer);
  }

  function ready(): WorkerLike | null {
    if (worker === 'failed') return null;
    if (worker !== 'none') return worker;
    try {
      const made = deps.createWorker();
      made.addEventListener('message', (event) => {
        const msg = event.data as { type?: unknown; id?: unknown } | undefined;
        if (msg?.type === 'fire' && typeof msg.id === 'number' && pending.get(msg.id)?.fallback === null) fire(msg.id);
      });
      made.addEventListener('error', fail);
      worker = made;
      return made;
    } catch {
      worker = 'failed';
      return null;
    }
  }

  return {
    setTimeout(fn, ms) {
      const id = nextId++;
      const timer: Pending = { fn, due: deps.monotonic() + ms, fallback: null };
      pending.set(id, timer);
      const w = ready();
      if (w) w.postMessage({ type: 'set', id, ms });
      else armOnFallback(id, timer);
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle !== 'number') return;
      const timer = pending.get(handle);
      if (!timer) return;
      pending.delete(handle);
      if (timer.fallback !== null) deps.fallback.clearTimeout(timer.fallback);
      else if (worker !== 'none' && worker !== 'failed') worker.postMessage({ type: 'clear', id: handle });
    },
  };
}

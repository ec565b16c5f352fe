import { useCallback, useSyncExternalStore } from 'react';

type Listener = () => void;

/**
 * One shared timer per interval, started by the first subscriber and stopped by the last, so that
 * a hundred relative times tick together instead of each running its own interval.
 */
const clocks = new Map<number, { now: number; listeners: Set<Listener>; timer: ReturnType<typeof setInterval> | null }>();

function clockFor(intervalMs: number) {
  let clock = clocks.get(intervalMs);
  if (!clock) {
    clock = { now: Date.now(), listeners: new Set(), timer: null };
    clocks.set(intervalMs, clock);
  }
  return clock;
}

export function subscribeToClock(intervalMs: number, listener: Listener): () => void {
  const clock = clockFor(intervalMs);
  clock.listeners.add(listener);
  if (!clock.timer) {
    clock.now = Date.now();
    clock.timer = setInterval(() => {
      clock.now = Date.now();
      clock.listeners.forEach((l) => l());
    }, intervalMs);
  }
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0 && clock.timer) {
      clearInterval(clock.timer);
      clock.timer = null;
    }
  };
}

/** The current time in ms, refreshed every `intervalMs`. */
export function useNow(intervalMs = 10_000): number {
  const subscribe = useCallback((listener: Listener) => subscribeToClock(intervalMs, listener), [intervalMs]);
  const snapshot = useCallback(() => clockFor(intervalMs).now, [intervalMs]);
  return useSyncExternalStore(subscribe, snapshot);
}

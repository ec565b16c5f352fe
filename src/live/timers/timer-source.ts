import type { TimerHandle } from '../types';

/** One-shot timers: the page's, or a dedicated worker's (`worker-timers.ts`). */
export interface TimerSource {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The page's timers, looked up at call time so vitest's fake timers apply. */
export const pageTimers: TimerSource = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

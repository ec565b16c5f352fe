/** What setTimeout returned: the page's own handle, or the id of a timer kept on a worker's clock. */
export type TimerHandle = ReturnType<typeof setTimeout> | number;

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

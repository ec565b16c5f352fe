/**
 * Everything the engine needs from the outside world: clock, timers, randomness, frames, page
 * visibility and network status. Listeners are plain subscribe functions returning their
 * unsubscribe, so tests pass a fake and Node (integration tests) gets a quiet default.
 */
export type TimerHandle = ReturnType<typeof setTimeout>;

export interface LiveEnvironment {
  /** wall clock (ms since the epoch): only for time-window boundaries and server timestamps */
  now(): number;
  /** monotonic clock (ms): every interval, throttle and backoff; never steps with the wall clock */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  random(): number;
  /** at most one callback run per animation frame */
  requestFrame(fn: () => void): void;
  isHidden(): boolean;
  onVisibilityChange(handler: (hidden: boolean) => void): () => void;
  isOnline(): boolean;
  onOnlineChange(handler: (online: boolean) => void): () => void;
}

interface DocumentLike {
  readonly visibilityState?: string;
  addEventListener(type: 'visibilitychange', fn: () => void): void;
  removeEventListener(type: 'visibilitychange', fn: () => void): void;
}

interface WindowLike {
  readonly navigator?: { readonly onLine?: boolean };
  requestAnimationFrame?: (fn: () => void) => number;
  addEventListener(type: 'online' | 'offline', fn: () => void): void;
  removeEventListener(type: 'online' | 'offline', fn: () => void): void;
}

/** Browser environment; with no window/document (Node) the page counts as visible and online. */
export function createBrowserEnvironment(
  win: WindowLike | undefined = typeof window === 'undefined' ? undefined : window,
  doc: DocumentLike | undefined = typeof document === 'undefined' ? undefined : document,
): LiveEnvironment {
  return {
    // looked up at call time so vitest's fake timers apply
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (handle) => clearTimeout(handle),
    random: () => Math.random(),
    requestFrame: (fn) => {
      // hidden tabs get no animation frames: a timer makes sure queued updates still land
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        fn();
      };
      win?.requestAnimationFrame?.(once);
      setTimeout(once, win?.requestAnimationFrame ? 250 : 16);
    },
    isHidden: () => doc?.visibilityState === 'hidden',
    onVisibilityChange: (handler) => {
      if (!doc) return () => {};
      const listener = () => handler(doc.visibilityState === 'hidden');
      doc.addEventListener('visibilitychange', listener);
      return () => doc.removeEventListener('visibilitychange', listener);
    },
    isOnline: () => win?.navigator?.onLine !== false,
    onOnlineChange: (handler) => {
      if (!win) return () => {};
      const online = () => handler(true);
      const offline = () => handler(false);
      win.addEventListener('online', online);
      win.addEventListener('offline', offline);
      return () => {
        win.removeEventListener('online', online);
        win.removeEventListener('offline', offline);
      };
    },
  };
}

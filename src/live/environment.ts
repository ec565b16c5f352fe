// The browser's (and Node's) `LiveEnvironment` (types.ts): everything the engine needs from the
// outside world. Listeners are plain subscribe functions returning their unsubscribe, so tests
// pass a fake and Node (integration tests) gets a quiet default.
import { canRunWorkers, liveWorkerUrl } from '@/lib/live-worker-url';
import { pageTimers, type TimerSource } from './timers/timer-source';
import { createWorkerTimers } from './timers/worker-timers';
import type { LiveEnvironment } from './types';

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

/**
 * The timers of a browser environment: a dedicated worker's clock where the page can run workers
 * (the worker starts with the first timer), else the page's own (Node, where vitest fakes them).
 */
export function browserTimers(): TimerSource {
  if (!canRunWorkers()) return pageTimers;
  return createWorkerTimers({
    createWorker: () => new Worker(liveWorkerUrl(), { name: 'live-timers' }),
    fallback: pageTimers,
    monotonic: () => performance.now(),
  });
}

/** Browser environment; with no window/document (Node) the page counts as visible and online. */
export function createBrowserEnvironment(
  win: WindowLike | undefined = typeof window === 'undefined' ? undefined : window,
  doc: DocumentLike | undefined = typeof document === 'undefined' ? undefined : document,
  timers: TimerSource = browserTimers(),
): LiveEnvironment {
  return {
    // looked up at call time so vitest's fake timers apply
    now: () => Date.now(),
    monotonic: () => performance.now(),
    setTimeout: (fn, ms) => timers.setTimeout(fn, ms),
    clearTimeout: (handle) => timers.clearTimeout(handle),
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

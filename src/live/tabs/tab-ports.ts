/**
 * What the tabs module needs from the browser, as small interfaces so unit tests pass fakes of
 * Web Locks, BroadcastChannel, page lifecycle and the clock.
 */
import type { LiveEnvironment, TimerHandle } from '../types';

export interface LockOptions {
  signal?: AbortSignal;
  /** take the lock from a holder that no longer answers (its request rejects with AbortError) */
  steal?: boolean;
}

export interface LockManagerLike {
  request(name: string, options: LockOptions, callback: () => Promise<void>): Promise<void>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** `suspend`: the page is being hidden into the back/forward cache or frozen; `restore`: it is back. */
export type PageLifecycleEvent = 'suspend' | 'restore';

export interface TabsPlatform {
  locks: LockManagerLike;
  openChannel(name: string): ChannelLike;
  onLifecycle(handler: (event: PageLifecycleEvent) => void): () => void;
}

/** Monotonic time for heartbeats and watchdogs. */
export interface TabsClock {
  /** monotonic ms (the environment's `monotonic`), never the wall clock */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  random(): number;
}

/**
 * The tabs' clock from the page's live environment: the same timers as the engine, so a hidden
 * leader's heartbeats run on the worker's clock as its polls do.
 */
export function tabsClockOf(env: LiveEnvironment): TabsClock {
  return {
    monotonic: () => env.monotonic(),
    setTimeout: (fn, ms) => env.setTimeout(fn, ms),
    clearTimeout: (handle) => env.clearTimeout(handle),
    random: () => env.random(),
  };
}

interface BrowserLike {
  navigator?: { locks?: LockManagerLike };
  BroadcastChannel?: new (name: string) => ChannelLike;
  addEventListener(type: string, fn: (event: Event) => void): void;
  removeEventListener(type: string, fn: (event: Event) => void): void;
}

interface DocumentLike {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

/** Web Locks and BroadcastChannel, or null where either is missing (every tab then runs on its own). */
export function detectTabsPlatform(
  win: BrowserLike | undefined = typeof window === 'undefined' ? undefined : (window as unknown as BrowserLike),
  doc: DocumentLike | undefined = typeof document === 'undefined' ? undefined : document,
): TabsPlatform | null {
  const locks = win?.navigator?.locks;
  const Channel = win?.BroadcastChannel;
  if (!win || !locks || typeof locks.request !== 'function' || !Channel) return null;
  return {
    locks,
    openChannel: (name) => new Channel(name),
    onLifecycle(handler) {
      const suspend = () => handler('suspend');
      const restore = () => handler('restore');
      // pagehide covers bfcache and unload; freeze/resume is Chrome's page lifecycle for background tabs
      win.addEventListener('pagehide', suspend);
      win.addEventListener('pageshow', restore);
      doc?.addEventListener('freeze', suspend);
      doc?.addEventListener('resume', restore);
      return () => {
        win.removeEventListener('pagehide', suspend);
        win.removeEventListener('pageshow', restore);
        doc?.removeEventListener('freeze', suspend);
        doc?.removeEventListener('resume', restore);
      };
    },
  };
}

/** Whether the page is hidden, as the engine's environment has it. */
export interface PageVisibility {
  isHidden(): boolean;
  onVisibilityChange(handler: (hidden: boolean) => void): () => void;
}

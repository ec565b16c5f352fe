import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { vi } from 'vitest';

/** Chrome wakes a page hidden this long at most once a minute for chained timers. */
export const INTENSIVE_AFTER_MS = 5 * 60_000;
/** a timer armed from the callbacks of this many timers in a row is chained */
const CHAIN_LENGTH = 5;

type Fn = (...args: unknown[]) => void;
type Listener = (event: { data?: unknown }) => void;

const WORKER_SCRIPT = readFileSync(resolve(import.meta.dirname, '../../../../src/lib/live-worker.js'), 'utf8');

/**
 * Chrome's timers for one hidden page, over vitest's fake timers (call after vi.useFakeTimers()):
 * - the page's setTimeout (stubbed globally): while the page is hidden, wake-ups are aligned to
 *   the second; once it has been hidden for 5 minutes, a chained timer (armed from the callback of
 *   a timer that was itself armed from one, 5 deep) wakes at most once a minute (Chrome 88's
 *   "intensive wake up throttling");
 * - dedicated workers (a global `Worker` running the real `src/lib/live-worker.js`; none with
 *   `workers: false`): their timers and messages are never throttled, and a message from a worker
 *   wakes the page at once.
 * `unthrottled` are the plain fake timers, for what is not the hidden page (another tab, a channel).
 */
export function simulateChrome(opts: { workers: boolean } = { workers: true }) {
  const raw = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    setInterval: globalThis.setInterval,
    clearInterval: globalThis.clearInterval,
  };
  let hiddenSince: number | null = null;
  let nesting = 0;
  const workers: ChromeWorker[] = [];
  const wakeUps: number[] = [];

  function pageSetTimeout(fn: Fn, ms = 0, ...args: unknown[]) {
    const level = nesting + 1;
    const now = Date.now();
    let due = now + Math.max(0, ms);
    if (hiddenSince !== null) {
      const intensive = now - hiddenSince >= INTENSIVE_AFTER_MS && level >= CHAIN_LENGTH;
      const align = intensive ? 60_000 : 1_000;
      due = Math.ceil(due / align) * align;
    }
    return raw.setTimeout(() => {
      wakeUps.push(Date.now());
      const outer = nesting;
      nesting = level;
      try {
        fn(...args);
      } finally {
        nesting = outer;
      }
    }, due - now);
  }

  class ChromeWorker {
    readonly url: string;
    readonly name: string | undefined;
    terminated = false;
    private readonly page = new Map<string, Set<Listener>>();
    private readonly inside = new Set<Listener>();

    constructor(url: string | URL, options?: { name?: string }) {
      this.url = String(url);
      this.name = options?.name;
      workers.push(this);
      const scope = {
        addEventListener: (type: string, fn: Listener) => void (type === 'message' && this.inside.add(fn)),
        postMessage: (data: unknown) =>
          raw.setTimeout(() => {
            if (this.terminated) return;
            for (const fn of this.page.get('message') ?? []) fn({ data: structuredClone(data) });
          }, 0),
      };
      new Function('addEventListener', 'postMessage', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', WORKER_SCRIPT)(
        scope.addEventListener,
        scope.postMessage,
        raw.setTimeout,
        raw.clearTimeout,
        raw.setInterval,
        raw.clearInterval,
      );
    }

    postMessage(data: unknown) {
      raw.setTimeout(() => {
        if (this.terminated) return;
        for (const fn of this.inside) fn({ data: structuredClone(data) });
      }, 0);
    }

    addEventListener(type: string, fn: Listener) {
      if (!this.page.has(type)) this.page.set(type, new Set());
      this.page.get(type)!.add(fn);
    }

    removeEventListener(type: string, fn: Listener) {
      this.page.get(type)?.delete(fn);
    }

    terminate() {
      this.terminated = true;
    }
  }

  vi.stubGlobal('setTimeout', pageSetTimeout);
  vi.stubGlobal('clearTimeout', raw.clearTimeout);
  // without workers: a browser or a policy that cannot run them
  vi.stubGlobal('Worker', opts.workers ? ChromeWorker : undefined);
  vi.stubGlobal('location', { href: 'http://127.0.0.1:5173/' });

  return {
    workers,
    /** when the hidden page's timers woke it */
    wakeUps,
    hide() {
      hiddenSince = Date.now();
    },
    unthrottled: {
      setTimeout: (fn: () => void, ms: number) => raw.setTimeout(fn, ms),
      clearTimeout: (handle: ReturnType<typeof setTimeout> | number) => raw.clearTimeout(handle),
    },
  };
}

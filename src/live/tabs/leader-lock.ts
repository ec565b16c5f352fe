import type { LockManagerLike } from './tab-ports';

/**
 * This tab's place in the leader lock's queue. `request` queues (abortable) or steals; the grant
 * is accepted only if `accept()` still says yes, and is held until `release()`.
 */
export function createLeaderLock(locks: LockManagerLike) {
  let current: { abort: AbortController; release: (() => void) | null } | null = null;

  return {
    request(name: string, opts: { steal: boolean; accept: () => boolean; onGranted: () => void; onLost: () => void }) {
      const mine = { abort: new AbortController(), release: null as (() => void) | null };
      current = mine;
      // a steal is granted at once and cannot take an abort signal
      const options = opts.steal ? { steal: true } : { signal: mine.abort.signal };
      locks
        .request(name, options, () => {
          if (current !== mine || !opts.accept()) return Promise.resolve();
          return new Promise<void>((release) => {
            mine.release = release;
            opts.onGranted();
          });
        })
        .catch(() => {
          // aborted by this tab (then `current` moved on), or taken from it while it was stuck
          if (current === mine && mine.release) opts.onLost();
        });
    },
    held: () => current?.release != null,
    release() {
      if (!current) return;
      if (current.release) current.release();
      else current.abort.abort();
      current = null;
    },
  };
}

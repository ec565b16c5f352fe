import type { LiveEnvironment } from '../environment';
import type { PageVisibility } from './tab-ports';

/** "Hidden" for the leader's engine: only when every tab of the browser is (it polls slower then). */
export function createSharedVisibility(initial: boolean) {
  let hidden = initial;
  const listeners = new Set<(hidden: boolean) => void>();
  return {
    isHidden: () => hidden,
    onVisibilityChange(handler: (hidden: boolean) => void) {
      listeners.add(handler);
      return () => void listeners.delete(handler);
    },
    set(next: boolean) {
      if (next === hidden) return;
      hidden = next;
      for (const listener of [...listeners]) listener(hidden);
    },
  };
}

/**
 * The leader engine's environment: the browser's, except that visibility is every tab's, and that
 * its store updates do not wait for animation frames while the leader's own tab is hidden (a hidden
 * tab gets none, and its timers are throttled to one a second): the other tabs would lag behind.
 */
export function leaderEnvironment(base: LiveEnvironment, shared: PageVisibility): LiveEnvironment {
  return {
    ...base,
    isHidden: () => shared.isHidden(),
    onVisibilityChange: (handler) => shared.onVisibilityChange(handler),
    requestFrame: (fn) => (base.isHidden() ? queueMicrotask(fn) : base.requestFrame(fn)),
  };
}

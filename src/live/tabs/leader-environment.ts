import type { PageVisibility } from './tab-ports';
import type { LiveEnvironment } from '../types';

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
 * its store updates never wait for an animation frame. Its stores are private (nothing renders
 * them): each update is published to every tab at once, and each tab's own store renders on the
 * tab's own schedule. Waiting for the leader's frame delayed every tab by up to a frame, and by
 * far more while the leader's page was busy drawing the change before (a hidden tab gets no frame
 * at all).
 */
export function leaderEnvironment(base: LiveEnvironment, shared: PageVisibility): LiveEnvironment {
  return {
    ...base,
    isHidden: () => shared.isHidden(),
    onVisibilityChange: (handler) => shared.onVisibilityChange(handler),
    requestFrame: (fn) => queueMicrotask(fn),
  };
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBrowserEnvironment } from '@/live/environment';

class FakeTarget {
  listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, fn: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(fn);
  }
  removeEventListener(type: string, fn: () => void) {
    this.listeners.get(type)?.delete(fn);
  }
  emit(type: string) {
    for (const fn of this.listeners.get(type) ?? []) fn();
  }
  count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('browser environment', () => {
  it('visibility and online listeners are subscribe functions that return their unsubscribe', () => {
    const win = Object.assign(new FakeTarget(), { navigator: { onLine: true } });
    const doc = Object.assign(new FakeTarget(), { visibilityState: 'visible' });
    const env = createBrowserEnvironment(win, doc);
    const seen: string[] = [];
    const offVisibility = env.onVisibilityChange((hidden) => seen.push(hidden ? 'hidden' : 'visible'));
    const offOnline = env.onOnlineChange((online) => seen.push(online ? 'online' : 'offline'));
    doc.visibilityState = 'hidden';
    doc.emit('visibilitychange');
    win.emit('offline');
    win.emit('online');
    expect(seen).toEqual(['hidden', 'offline', 'online']);
    expect(env.isHidden()).toBe(true);
    offVisibility();
    offOnline();
    expect(win.count() + doc.count()).toBe(0);
  });

  it('without window or document (Node) the page is visible and online', () => {
    const env = createBrowserEnvironment(undefined, undefined);
    expect(env.isHidden()).toBe(false);
    expect(env.isOnline()).toBe(true);
    expect(env.onOnlineChange(() => {})).toBeTypeOf('function');
  });

  it('runs a frame callback once, from the animation frame or the fallback timer', () => {
    vi.useFakeTimers();
    let frame: (() => void) | null = null;
    const win = Object.assign(new FakeTarget(), { requestAnimationFrame: (fn: () => void) => ((frame = fn), 1) });
    const env = createBrowserEnvironment(win, undefined);
    const fn = vi.fn();
    env.requestFrame(fn);
    (frame as (() => void) | null)?.();
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledTimes(1);
    // a hidden tab gets no frame: the timer delivers
    const fn2 = vi.fn();
    env.requestFrame(fn2);
    vi.advanceTimersByTime(300);
    expect(fn2).toHaveBeenCalledTimes(1);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pageTimers } from '@/live/timers/timer-source';
import { createWorkerTimers, type WorkerLike } from '@/live/timers/worker-timers';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A worker that the test drives: it records what the page asked and fires or fails on demand. */
function fakeWorker() {
  const sent: Array<{ type: string; id: number; ms?: number }> = [];
  const listeners = new Map<string, (event: { data?: unknown }) => void>();
  const worker: WorkerLike & { terminated: boolean } = {
    terminated: false,
    postMessage: (msg) => void sent.push(msg as { type: string; id: number; ms?: number }),
    addEventListener: (type, fn) => void listeners.set(type, fn),
    terminate: () => void (worker.terminated = true),
  };
  return {
    worker,
    sent,
    fire: (id: number) => listeners.get('message')?.({ data: { type: 'fire', id } }),
    fail: () => listeners.get('error')?.({}),
  };
}

describe('worker timers', () => {
  it('start the worker on the first timer, run a callback once on its fire message, and pass clears on', () => {
    const w = fakeWorker();
    const createWorker = vi.fn(() => w.worker);
    const timers = createWorkerTimers({ createWorker, fallback: pageTimers, monotonic: () => performance.now() });
    expect(createWorker).not.toHaveBeenCalled();
    const fn = vi.fn();
    const a = timers.setTimeout(fn, 5_000) as number;
    const b = timers.setTimeout(fn, 1_000) as number;
    timers.clearTimeout(b);
    expect(w.sent).toEqual([
      { type: 'set', id: a, ms: 5_000 },
      { type: 'set', id: b, ms: 1_000 },
      { type: 'clear', id: b },
    ]);
    w.fire(b); // a late fire for a cleared timer
    expect(fn).not.toHaveBeenCalled();
    w.fire(a);
    w.fire(a);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(createWorker).toHaveBeenCalledTimes(1);
  });

  it('a worker that fails to load hands its timers to the page with what is left of their delay', () => {
    const w = fakeWorker();
    const timers = createWorkerTimers({ createWorker: () => w.worker, fallback: pageTimers, monotonic: () => performance.now() });
    const fn = vi.fn();
    timers.setTimeout(fn, 5_000);
    vi.advanceTimersByTime(2_000);
    w.fail();
    expect(w.worker.terminated).toBe(true);
    vi.advanceTimersByTime(2_999);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    // later timers go straight to the page
    timers.setTimeout(fn, 100);
    vi.advanceTimersByTime(100);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('where no worker can be made, every timer is the page`s', () => {
    const timers = createWorkerTimers({
      createWorker: () => {
        throw new Error('Worker is not defined');
      },
      fallback: pageTimers,
      monotonic: () => performance.now(),
    });
    const fn = vi.fn();
    const handle = timers.setTimeout(fn, 100);
    timers.setTimeout(fn, 200);
    timers.clearTimeout(handle);
    vi.advanceTimersByTime(200);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

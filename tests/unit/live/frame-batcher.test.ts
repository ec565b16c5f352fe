import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from '@/live/frame-batcher';

function manualFrames() {
  const pending: (() => void)[] = [];
  return {
    requestFrame: (fn: () => void) => void pending.push(fn),
    frame: () => pending.splice(0).forEach((fn) => fn()),
    pending: () => pending.length,
  };
}

describe('frame batcher', () => {
  it('delivers everything queued during a frame in one batch', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>(frames.requestFrame, (items) => batches.push(items));
    for (let i = 0; i < 50; i++) batcher.push(i);
    expect(batches).toHaveLength(0);
    expect(frames.pending()).toBe(1);
    frames.frame();
    expect(batches).toEqual([Array.from({ length: 50 }, (_, i) => i)]);
  });

  it('merges repeated items so a burst queues one', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>(frames.requestFrame, (items) => batches.push(items), (a, b) => a + b);
    for (let i = 0; i < 10_000; i++) batcher.push(1);
    frames.frame();
    expect(batches).toEqual([[10_000]]);
  });

  it('never holds more than maxQueue items when no frame comes (hidden tab)', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>(frames.requestFrame, (items) => batches.push(items), () => null, 100);
    for (let i = 0; i < 1_000; i++) batcher.push(i);
    expect(batches).toHaveLength(10);
    expect(batches.every((b) => b.length === 100)).toBe(true);
  });

  it('flushNow delivers at once; dispose drops the rest', () => {
    const frames = manualFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>(frames.requestFrame, (items) => batches.push(items));
    batcher.push(1);
    batcher.flushNow();
    expect(batches).toEqual([[1]]);
    batcher.push(2);
    batcher.dispose();
    frames.frame();
    expect(batches).toEqual([[1]]);
  });
});

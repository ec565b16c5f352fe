import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRevenueExtras } from '@/live/tabs/revenue-extras';
import type { RevenuePoint } from '@/live/types';

// The leader's extra hourly series (a tab shows 24 h while the engine keeps days). In broadcast
// mode it follows the engine's changes: a delta's increments are added without a read.

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-10T10:30:00Z');
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

function setup() {
  let cents = 0;
  const answers: Array<() => void> = [];
  const fetchSeries = vi.fn(
    () =>
      new Promise<RevenuePoint[]>((resolve) => {
        const snapshot = cents; // the server answers from its state when asked …
        const points = Array.from({ length: 24 }, (_, i) => ({
          bucketStart: new Date(Date.parse('2026-03-10T10:00:00Z') - (23 - i) * HOUR).toISOString(),
          revenueCents: i === 23 ? snapshot : 0,
          ordersCount: 0,
        }));
        answers.push(() => resolve(points)); // … and the answer lands when the test says
      }),
  );
  const onChange = vi.fn();
  const extras = createRevenueExtras({
    clock: { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h), random: () => 0.5 },
    fetchSeries,
    unavailable: () => false,
    onChange,
  });
  const land = async () => {
    answers.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { extras, fetchSeries, onChange, land, write: (c: number) => (cents += c), last: () => extras.current()['24h']!.data!.at(-1)!.revenueCents };
}

const increments = (cents: number, hour = Date.parse('2026-03-10T10:00:00Z')) => ({
  source: 'delta' as const,
  increments: [{ hour, revenueCents: cents, ordersCount: 1, itemsSold: 1 }],
});

describe('revenue extras in broadcast mode', () => {
  it('adds each delta’s increments to the hourly series without reading it again', async () => {
    const { extras, fetchSeries, land, write, last } = setup();
    extras.followEngine();
    extras.want(['24h']);
    await land();
    expect(fetchSeries).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) {
      write(100);
      extras.engineChanged(increments(100));
      extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: i, ordersCount: 0 }], error: null, range: '7d' });
    }
    expect(last()).toBe(500);
    expect(fetchSeries).toHaveBeenCalledTimes(1);
  });

  it('a sync’s answer, or an hour it cannot place, is read again', async () => {
    const { extras, fetchSeries, land } = setup();
    extras.want(['24h']);
    await land();
    extras.engineChanged({ source: 'sync' });
    await land();
    extras.engineChanged(increments(5, Date.parse('2026-03-10T12:00:00Z')));
    await land();
    expect(fetchSeries).toHaveBeenCalledTimes(3);
  });

  it('a change while a read is under way reads again after it (the answer may predate the change)', async () => {
    const { extras, fetchSeries, land, write, last } = setup();
    extras.want(['24h']);
    expect(fetchSeries).toHaveBeenCalledTimes(1); // under way, its snapshot: 0
    write(70);
    extras.engineChanged(increments(70));
    await land();
    expect(last()).toBe(0);
    expect(fetchSeries).toHaveBeenCalledTimes(2);
    await land();
    expect(last()).toBe(70); // never counted twice, never lost
  });

  it('without the engine’s events (postgres_changes) every move of the engine’s series reads it again', async () => {
    const { extras, fetchSeries, land } = setup();
    extras.want(['24h']);
    await land();
    extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: 1, ordersCount: 0 }], error: null, range: '7d' });
    await land();
    extras.engineSeries({ status: 'ready', data: [{ bucketStart: 'x', revenueCents: 2, ordersCount: 0 }], error: null, range: '7d' });
    expect(fetchSeries).toHaveBeenCalledTimes(3);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { currentBucketStart, nextBucketBoundary, revenueWindow, rollRevenueSeries } from '@/live/revenue-window';
import type { RevenuePoint } from '@/live/types';

const H = 3_600_000;
const t0 = Date.parse('2026-03-10T10:30:00Z');
const hourSeries = (endHour: number, n: number): RevenuePoint[] =>
  Array.from({ length: n }, (_, i) => ({
    bucketStart: new Date(endHour - (n - 1 - i) * H).toISOString(),
    revenueCents: i + 1,
    ordersCount: 1,
  }));

describe('revenue window', () => {
  it('24h: 24 hour buckets ending with the current hour', () => {
    const w = revenueWindow('24h', t0);
    expect(w).toEqual({ from: '2026-03-09T11:00:00.000Z', to: '2026-03-10T10:30:00.000Z', bucket: 'hour', tz: 'UTC' });
  });

  it('7d: 7 day buckets ending with today (UTC)', () => {
    expect(revenueWindow('7d', t0)).toMatchObject({ from: '2026-03-04T00:00:00.000Z', bucket: 'day', tz: 'UTC' });
  });

  it('knows the current bucket and the next boundary', () => {
    expect(new Date(currentBucketStart('24h', t0)).toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(new Date(nextBucketBoundary('24h', t0)).toISOString()).toBe('2026-03-10T11:00:00.000Z');
    expect(new Date(nextBucketBoundary('30d', t0)).toISOString()).toBe('2026-03-11T00:00:00.000Z');
  });
});

describe('revenue window in the viewer\'s time zone', () => {
  const zone = process.env.TZ;
  const inZone = (tz: string) => {
    process.env.TZ = tz;
  };
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('days are the viewer\'s days, asked of revenue_series with that zone', () => {
    inZone('America/New_York');
    // 2026-03-10 10:30 UTC is 06:30 in New York (EDT since 8 March)
    expect(revenueWindow('7d', t0)).toEqual({
      from: '2026-03-04T05:00:00.000Z', // local midnight before the DST change: EST, UTC-5
      to: '2026-03-10T10:30:00.000Z',
      bucket: 'day',
      tz: 'America/New_York',
    });
    expect(new Date(currentBucketStart('7d', t0)).toISOString()).toBe('2026-03-10T04:00:00.000Z');
    expect(new Date(nextBucketBoundary('7d', t0)).toISOString()).toBe('2026-03-11T04:00:00.000Z');
    expect(revenueWindow('24h', t0).tz).toBe('UTC');
  });

  it('rolls over at local midnight, across a 23 h day', () => {
    inZone('America/New_York');
    const days = ['2026-03-06T05:00:00Z', '2026-03-07T05:00:00Z'].map((bucketStart) => ({ bucketStart, revenueCents: 1, ordersCount: 1 }));
    expect(rollRevenueSeries(days, '7d', Date.parse('2026-03-08T04:59:00Z'))).toBe(days);
    const rolled = rollRevenueSeries(days, '7d', Date.parse('2026-03-09T04:00:00Z'));
    expect(rolled.map((p) => p.bucketStart)).toEqual([
      '2026-03-06T05:00:00Z',
      '2026-03-07T05:00:00Z',
      '2026-03-08T05:00:00.000Z', // Sunday 8 March, 23 hours long
      '2026-03-09T04:00:00.000Z',
    ]);
  });
});

describe('rollRevenueSeries', () => {
  it('does nothing inside the current bucket', () => {
    const series = hourSeries(Date.parse('2026-03-10T10:00:00Z'), 24);
    expect(rollRevenueSeries(series, '24h', t0)).toBe(series);
  });

  it('at the boundary appends an empty bucket and drops the oldest', () => {
    const series = hourSeries(Date.parse('2026-03-10T10:00:00Z'), 24);
    const rolled = rollRevenueSeries(series, '24h', Date.parse('2026-03-10T11:00:00Z'));
    expect(rolled).toHaveLength(24);
    expect(rolled.at(-1)).toEqual({ bucketStart: '2026-03-10T11:00:00.000Z', revenueCents: 0, ordersCount: 0 });
    expect(rolled[0]?.bucketStart).toBe(series[1]?.bucketStart);
  });

  it('after a long sleep the window is all new empty buckets', () => {
    const series = hourSeries(Date.parse('2026-03-10T10:00:00Z'), 24);
    const rolled = rollRevenueSeries(series, '24h', Date.parse('2026-03-13T10:00:00Z'));
    expect(rolled).toHaveLength(24);
    expect(rolled.every((p) => p.revenueCents === 0)).toBe(true);
    expect(rolled.at(-1)?.bucketStart).toBe('2026-03-13T10:00:00.000Z');
  });

  it('leaves an empty series alone', () => {
    expect(rollRevenueSeries([], '7d', t0)).toEqual([]);
  });
});

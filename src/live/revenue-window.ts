import type { RevenuePoint, RevenueRange } from './types';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const BUCKETS: Record<RevenueRange, { bucket: 'hour' | 'day'; size: number; count: number }> = {
  '24h': { bucket: 'hour', size: HOUR, count: 24 },
  '7d': { bucket: 'day', size: DAY, count: 7 },
  '30d': { bucket: 'day', size: DAY, count: 30 },
  '90d': { bucket: 'day', size: DAY, count: 90 },
};

export function bucketOf(range: RevenueRange): 'hour' | 'day' {
  return BUCKETS[range].bucket;
}

/** Start (ms, UTC) of the bucket containing `now`. */
export function currentBucketStart(range: RevenueRange, now: number): number {
  const { size } = BUCKETS[range];
  return Math.floor(now / size) * size;
}

export function nextBucketBoundary(range: RevenueRange, now: number): number {
  return currentBucketStart(range, now) + BUCKETS[range].size;
}

/** The revenue_series arguments for a range: `count` whole buckets ending with the current one. */
export function revenueWindow(range: RevenueRange, now: number): { from: string; to: string; bucket: 'hour' | 'day' } {
  const { bucket, size, count } = BUCKETS[range];
  const from = currentBucketStart(range, now) - (count - 1) * size;
  return { from: new Date(from).toISOString(), to: new Date(now).toISOString(), bucket };
}

/**
 * Rolls a series forward so its last bucket is the one containing `now`: new buckets start at zero,
 * the oldest fall off so the length stays that of the range. Pure; same array if nothing moved.
 */
export function rollRevenueSeries(series: readonly RevenuePoint[], range: RevenueRange, now: number): RevenuePoint[] {
  const last = series.at(-1);
  if (!last) return series as RevenuePoint[];
  const { size, count } = BUCKETS[range];
  const current = currentBucketStart(range, now);
  let lastStart = Date.parse(last.bucketStart);
  if (lastStart >= current) return series as RevenuePoint[];
  const next = [...series];
  // after a long sleep only the window's worth of empty buckets matters
  if ((current - lastStart) / size > count) lastStart = current - count * size;
  for (let t = lastStart + size; t <= current; t += size) {
    next.push({ bucketStart: new Date(t).toISOString(), revenueCents: 0, ordersCount: 0 });
  }
  return next.length > count ? next.slice(next.length - count) : next;
}

/**
 * Applies a freshly fetched series; a response for a window older than the one shown (it overtook
 * a roll-over) is rolled forward instead of moving the chart back in time.
 */
export function applyRevenueSeries(fetched: readonly RevenuePoint[], range: RevenueRange, now: number): RevenuePoint[] {
  return rollRevenueSeries(fetched, range, now);
}

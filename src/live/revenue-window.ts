import type { RevenueIncrement, RevenuePoint, RevenueRange } from './types';

const HOUR = 3_600_000;

const BUCKETS: Record<RevenueRange, { bucket: 'hour' | 'day'; count: number }> = {
  '24h': { bucket: 'hour', count: 24 },
  '7d': { bucket: 'day', count: 7 },
  '30d': { bucket: 'day', count: 30 },
  '90d': { bucket: 'day', count: 90 },
};

export function bucketOf(range: RevenueRange): 'hour' | 'day' {
  return BUCKETS[range].bucket;
}

/** The viewer's time zone: day buckets are the viewer's days (revenue_series p_tz). */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * `t` moved by `n` buckets. Hours are exact; days step in local time (Date does the calendar), so a
 * day at a daylight-saving change has 23 or 25 hours, as revenue_series makes it with p_tz.
 */
export function shiftBuckets(range: RevenueRange, t: number, n: number): number {
  if (BUCKETS[range].bucket === 'hour') return t + n * HOUR;
  const d = new Date(t);
  d.setDate(d.getDate() + n);
  return d.getTime();
}

/** Start (ms) of the bucket containing `now`: the UTC hour, or the viewer's local day. */
export function currentBucketStart(range: RevenueRange, now: number): number {
  if (BUCKETS[range].bucket === 'hour') return Math.floor(now / HOUR) * HOUR;
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function nextBucketBoundary(range: RevenueRange, now: number): number {
  return shiftBuckets(range, currentBucketStart(range, now), 1);
}

/** The revenue_series arguments for a range: `count` whole buckets ending with the current one. */
export function revenueWindow(
  range: RevenueRange,
  now: number,
): { from: string; to: string; bucket: 'hour' | 'day'; tz: string } {
  const { bucket, count } = BUCKETS[range];
  const from = shiftBuckets(range, currentBucketStart(range, now), -(count - 1));
  return { from: new Date(from).toISOString(), to: new Date(now).toISOString(), bucket, tz: bucket === 'hour' ? 'UTC' : viewerTimeZone() };
}

/**
 * Rolls a series forward so its last bucket is the one containing `now`: new buckets start at zero,
 * the oldest fall off so the length stays that of the range. Pure; same array if nothing moved.
 */
export function rollRevenueSeries(series: readonly RevenuePoint[], range: RevenueRange, now: number): RevenuePoint[] {
  const last = series.at(-1);
  if (!last) return series as RevenuePoint[];
  const { count } = BUCKETS[range];
  const current = currentBucketStart(range, now);
  let lastStart = Date.parse(last.bucketStart);
  if (lastStart >= current) return series as RevenuePoint[];
  const next = [...series];
  // after a long sleep only the window's worth of empty buckets matters
  lastStart = Math.max(lastStart, shiftBuckets(range, current, -count));
  for (let t = shiftBuckets(range, lastStart, 1); t <= current; t = shiftBuckets(range, t, 1)) {
    next.push({ bucketStart: new Date(t).toISOString(), revenueCents: 0, ordersCount: 0 });
  }
  return next.length > count ? next.slice(next.length - count) : next;
}

/**
 * Adds a transaction's net revenue per UTC hour to the held buckets. Null when an hour is not wholly
 * inside one held bucket (a day of a half-hour time zone, a bucket not held yet, the clock ahead of
 * ours): only a sync can place it. An hour older than a full window changes nothing shown.
 */
export function addRevenueIncrements(series: readonly RevenuePoint[], range: RevenueRange, increments: readonly RevenueIncrement[]): RevenuePoint[] | null {
  if (increments.length === 0) return series as RevenuePoint[];
  if (series.length === 0) return null;
  const starts = series.map((p) => Date.parse(p.bucketStart));
  const next = [...series];
  for (const inc of increments) {
    if (inc.revenueCents === 0 && inc.ordersCount === 0) continue;
    if (inc.hour + HOUR <= starts[0]! && series.length >= BUCKETS[range].count) continue;
    const i = starts.findLastIndex((start) => start <= inc.hour);
    if (i < 0) return null;
    const end = i + 1 < starts.length ? starts[i + 1]! : shiftBuckets(range, starts[i]!, 1);
    if (inc.hour + HOUR > end) return null;
    const p = next[i]!;
    next[i] = { ...p, revenueCents: p.revenueCents + inc.revenueCents, ordersCount: p.ordersCount + inc.ordersCount };
  }
  return next;
}

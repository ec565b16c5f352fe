import { dateTimeFormat } from '@/lib/intl-formats';
import type { RevenuePoint, RevenueRange } from '@/live/types';
import type { RevenueChartPoint } from '../types';
import type { FormatOptions } from './format-number';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function bucketSizeMs(range: RevenueRange): number {
  return range === '24h' ? HOUR : DAY;
}

/** In the viewer's zone, the zone the live engine asks revenue_series to make its days in. */
export function formatBucketLabel(t: number, range: RevenueRange, { locale }: FormatOptions = {}): string {
  const format: Intl.DateTimeFormatOptions =
    range === '24h' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' };
  return dateTimeFormat(locale, format).format(new Date(t));
}

/**
 * Sorts the series, merges duplicate buckets (a live update may repeat one) and fills missing
 * buckets with zeros so the area never interpolates across a gap. A gap is a distance of more than
 * 1.5 buckets, so a 23 h or 25 h day at a daylight-saving change is not taken for one.
 */
export function toRevenueChartData(
  points: readonly RevenuePoint[],
  range: RevenueRange,
  opts: FormatOptions = {},
): RevenueChartPoint[] {
  const step = bucketSizeMs(range);
  const byTime = new Map<number, RevenuePoint>();
  for (const p of points) {
    const t = Date.parse(p.bucketStart);
    if (Number.isNaN(t)) continue;
    byTime.set(t, p);
  }
  const times = [...byTime.keys()].sort((a, b) => a - b);
  const out: RevenueChartPoint[] = [];
  const push = (t: number, revenueCents: number, ordersCount: number, bucketStart: string) =>
    out.push({ t, bucketStart, revenueCents, ordersCount, label: formatBucketLabel(t, range, opts) });

  times.forEach((t, i) => {
    const prev = times[i - 1];
    if (prev !== undefined) {
      for (let gap = prev + step; t - gap > step / 2; gap += step) push(gap, 0, 0, new Date(gap).toISOString());
    }
    const p = byTime.get(t)!;
    push(t, p.revenueCents, p.ordersCount, p.bucketStart);
  });
  return out;
}

export function totalRevenueCents(points: readonly RevenueChartPoint[]): number {
  return points.reduce((sum, p) => sum + p.revenueCents, 0);
}

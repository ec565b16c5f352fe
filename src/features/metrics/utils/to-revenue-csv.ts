import type { RevenueRange } from '@/live/types';
import type { RevenueChartPoint } from '../types';

function csvField(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of the series exactly as charted: one row per bucket, money in cents and in units. */
export function toRevenueCsv(points: readonly RevenueChartPoint[]): string {
  const rows: (string | number)[][] = [['bucket_start', 'revenue_cents', 'revenue', 'orders_count']];
  for (const p of points) {
    rows.push([new Date(p.t).toISOString(), p.revenueCents, (p.revenueCents / 100).toFixed(2), p.ordersCount]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function revenueCsvFileName(range: RevenueRange, now: Date): string {
  return `revenue-${range}-${now.toISOString().slice(0, 16).replace(/[:T]/g, '-')}.csv`;
}

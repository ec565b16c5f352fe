import { describe, expect, it } from 'vitest';
import type { RevenuePoint } from '@/live/types';
import { parseRange } from '@/features/metrics/utils/parse-range';
import { toRevenueChartData, totalRevenueCents } from '@/features/metrics/utils/to-revenue-chart-data';
import { revenueCsvFileName, toRevenueCsv } from '@/features/metrics/utils/to-revenue-csv';
import { toStatusBars } from '@/features/metrics/utils/to-status-bars';

const day = (d: number, cents: number, orders = 1): RevenuePoint => ({
  bucketStart: `2026-11-${String(d).padStart(2, '0')}T00:00:00+00:00`,
  revenueCents: cents,
  ordersCount: orders,
});

describe('toRevenueChartData', () => {
  it('sorts buckets and fills missing days with zeros', () => {
    const data = toRevenueChartData([day(4, 400), day(1, 100), day(2, 200)], '7d', { locale: 'en-US' });
    expect(data.map((p) => [new Date(p.t).toISOString().slice(0, 10), p.revenueCents])).toEqual([
      ['2026-11-01', 100],
      ['2026-11-02', 200],
      ['2026-11-03', 0],
      ['2026-11-04', 400],
    ]);
    expect(data[0]!.label).toBe('Nov 1');
    expect(totalRevenueCents(data)).toBe(700);
  });

  it('labels the viewer\'s days, and a 25 h day at a DST change is not taken for a gap', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // local midnights as revenue_series(p_tz => 'America/Los_Angeles') returns them; DST ends on Nov 1
      const points = ['2026-11-01T07:00:00Z', '2026-11-02T08:00:00Z', '2026-11-03T08:00:00Z'].map((bucketStart) => ({
        bucketStart,
        revenueCents: 100,
        ordersCount: 1,
      }));
      const data = toRevenueChartData(points, '7d', { locale: 'en-US' });
      expect(data.map((p) => p.label)).toEqual(['Nov 1', 'Nov 2', 'Nov 3']);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('keeps one point per bucket when a bucket is repeated', () => {
    const data = toRevenueChartData([day(1, 100), day(1, 150)], '30d');
    expect(data).toHaveLength(1);
    expect(data[0]!.revenueCents).toBe(150);
  });

  it('uses hours for the 24 h range', () => {
    const points: RevenuePoint[] = [
      { bucketStart: '2026-11-22T10:00:00Z', revenueCents: 5, ordersCount: 1 },
      { bucketStart: '2026-11-22T13:00:00Z', revenueCents: 7, ordersCount: 1 },
    ];
    expect(toRevenueChartData(points, '24h')).toHaveLength(4);
  });
});

describe('toRevenueCsv', () => {
  it('writes a header and one row per charted bucket', () => {
    const csv = toRevenueCsv(toRevenueChartData([day(1, 12345, 3), day(3, 5, 1)], '7d'));
    expect(csv.split('\r\n')).toEqual([
      'bucket_start,revenue_cents,revenue,orders_count',
      '2026-11-01T00:00:00.000Z,12345,123.45,3',
      '2026-11-02T00:00:00.000Z,0,0.00,0',
      '2026-11-03T00:00:00.000Z,5,0.05,1',
      '',
    ]);
  });

  it('names the file after the range and time', () => {
    expect(revenueCsvFileName('30d', new Date('2026-11-22T22:51:10Z'))).toBe('revenue-30d-2026-11-22-22-51.csv');
  });
});

describe('parseRange', () => {
  it('accepts the four ranges and falls back to 7 days', () => {
    expect(parseRange('24h')).toBe('24h');
    expect(parseRange('90d')).toBe('90d');
    expect(parseRange('1y')).toBe('7d');
    expect(parseRange(null)).toBe('7d');
  });
});

describe('toStatusBars', () => {
  it('lists every status in workflow order with zeros and readable labels', () => {
    const bars = toStatusBars([
      { status: 'ready', count: 2 },
      { status: 'in_progress', count: 5 },
    ]);
    expect(bars.map((b) => `${b.label}:${b.count}`)).toEqual([
      'Open:0',
      'In progress:5',
      'Waiting parts:0',
      'Ready:2',
      'Closed:0',
      'Cancelled:0',
    ]);
  });
});

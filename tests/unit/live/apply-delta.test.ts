import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyDelta } from '@/live/apply-delta';
import { addRevenueIncrements } from '@/live/revenue-window';
import { initialDashboardData } from '@/live/dashboard-reducer';
import type { ActivityItem, DashboardDelta, RevenuePoint } from '@/live/types';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { DashboardData } from '@/live/dashboard-data';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-03-10T10:30:00Z');
beforeEach(() => vi.useFakeTimers({ now: NOW }));
afterEach(() => vi.useRealTimers());

const hours = (n: number, cents = 0): RevenuePoint[] =>
  Array.from({ length: n }, (_, i) => ({ bucketStart: new Date(Date.parse('2026-03-10T10:00:00Z') - (n - 1 - i) * HOUR).toISOString(), revenueCents: cents, ordersCount: 0 }));
const inc = (hour: number, cents: number, orders = 1) => ({ hour, revenueCents: cents, ordersCount: orders, itemsSold: orders });
const item = (id: number): ActivityItem => ({ id, kind: 'ticket_created', entityType: 'ticket', entityId: `t${id}`, occurredAt: new Date(NOW).toISOString(), summary: {} });
const kpis = { totalRevenueCents: 5, productsSold: 1, ordersCount: 1, activeRepairs: 3, newTickets24h: 1, asOf: new Date(NOW).toISOString() };

function held(): DashboardData {
  const base = initialDashboardData('24h');
  return {
    ...base,
    kpis: { status: 'ready', data: { ...kpis, previous: kpis }, error: null },
    revenue: { status: 'ready', data: hours(24, 10), error: null, range: '24h' },
    ticketStatus: { status: 'ready', data: [{ status: 'open', count: 2 }], error: null },
    ticketAging: { active: [] },
    feed: { items: [item(3), item(2)], hasMore: false, generation: 1, status: 'ready', error: null, loadingOlder: false },
    cursor: 3,
    epoch: 'e1',
  };
}
const delta = (over: Partial<DashboardDelta> = {}): DashboardDelta => ({
  epoch: 'e1',
  seq: 1,
  prevSentAtMicros: 0,
  touched: NOTHING_TOUCHED,
  fromCursor: 3,
  cursor: 5,
  feed: { items: [item(5), item(4)], rowCount: 2, maxId: 5, skipped: 0 },
  feedComplete: true,
  kpis: { ...kpis, activeRepairs: 4, previous: kpis },
  role: 'admin',
  ticketStatus: [{ status: 'open', count: 3 }],
  ticketAging: null,
  revenue: [],
  sentAtMicros: NOW * 1000,
  ...over,
});

describe('addRevenueIncrements', () => {
  const thisHour = Date.parse('2026-03-10T10:00:00Z');

  it('adds each hour’s net change to the bucket holding it (hours and days)', () => {
    const out = addRevenueIncrements(hours(24), '24h', [inc(thisHour, 500), inc(thisHour - 3 * HOUR, -200, -1)])!;
    expect(out.at(-1)).toMatchObject({ revenueCents: 500, ordersCount: 1 });
    expect(out.at(-4)).toMatchObject({ revenueCents: -200, ordersCount: -1 });
    const days = [0, 1].map((i) => ({ bucketStart: new Date(Date.parse('2026-03-09T00:00:00Z') + i * 24 * HOUR).toISOString(), revenueCents: 0, ordersCount: 0 }));
    expect(addRevenueIncrements(days, '7d', [inc(Date.parse('2026-03-09T23:00:00Z'), 7)])![0]!.revenueCents).toBe(7);
  });

  it('returns null for an hour it cannot place: ahead of the last bucket, before a partial window, straddling two days', () => {
    expect(addRevenueIncrements(hours(24), '24h', [inc(thisHour + HOUR, 1)])).toBeNull();
    expect(addRevenueIncrements(hours(3), '24h', [inc(thisHour - 10 * HOUR, 1)])).toBeNull();
    // a day that starts at 00:30 UTC (a half-hour zone): the hour 00:00-01:00 belongs to two days
    const halfHourDays = [0, 1].map((i) => ({ bucketStart: new Date(Date.parse('2026-03-08T00:30:00Z') + i * 24 * HOUR).toISOString(), revenueCents: 0, ordersCount: 0 }));
    expect(addRevenueIncrements(halfHourDays, '7d', [inc(Date.parse('2026-03-09T00:00:00Z'), 1)])).toBeNull();
  });

  it('an hour older than a full window changes nothing shown', () => {
    const series = hours(24);
    expect(addRevenueIncrements(series, '24h', [inc(thisHour - 30 * HOUR, 1)])).toEqual(series);
  });
});

describe('applyDelta', () => {
  it('prepends the rows, moves the cursor, takes the figures and adds the revenue', () => {
    const next = applyDelta(held(), delta({ revenue: [inc(Date.parse('2026-03-10T10:00:00Z'), 250)] }), 100, NOW)!;
    expect(next.feed.items.map((i) => i.id)).toEqual([5, 4, 3, 2]);
    expect(next.feed.generation).toBe(1);
    expect(next.cursor).toBe(5);
    expect(next.kpis.data?.activeRepairs).toBe(4);
    expect(next.ticketStatus.data).toEqual([{ status: 'open', count: 3 }]);
    expect(next.ticketAging).toEqual({ active: [] }); // null = keep
    expect(next.revenue.data!.at(-1)!.revenueCents).toBe(260);
  });

  it('takes a delta’s KPIs even when its as_of is earlier than the sync’s (it is newer in the log)', () => {
    const older = { ...kpis, activeRepairs: 9, asOf: new Date(NOW - 60_000).toISOString() };
    expect(applyDelta(held(), delta({ kpis: { ...older, previous: kpis } }), 100, NOW)!.kpis.data?.activeRepairs).toBe(9);
  });

  it('keeps the KPI object when only as_of moved', () => {
    const state = held();
    const next = applyDelta(state, delta({ fromCursor: 3, cursor: 3, feed: { items: [], rowCount: 0, maxId: null, skipped: 0 }, kpis: { ...kpis, asOf: new Date(NOW + 1).toISOString(), previous: kpis } }), 100, NOW)!;
    expect(next.kpis.data).toEqual({ ...state.kpis.data, asOf: new Date(NOW + 1).toISOString() });
    expect(next.feed).toBe(state.feed);
  });

  it('an incomplete feed replaces the window (more below); one with no rows at all cannot be applied', () => {
    const next = applyDelta(held(), delta({ cursor: 200, fromCursor: 3, feedComplete: false, feed: { items: [item(200), item(199)], rowCount: 2, maxId: 200, skipped: 0 } }), 100, NOW)!;
    expect(next.feed).toMatchObject({ hasMore: true, generation: 2 });
    expect(next.feed.items.map((i) => i.id)).toEqual([200, 199]);
    expect(applyDelta(held(), delta({ cursor: 200, feedComplete: false, feed: { items: [], rowCount: 0, maxId: null, skipped: 0 } }), 100, NOW)).toBeNull();
  });

  it('revenue cannot be added to a series that is loading or not held: null (the caller syncs)', () => {
    const loading = { ...held(), revenue: { status: 'loading' as const, data: null, error: null, range: '7d' as const } };
    expect(applyDelta(loading, delta({ revenue: [inc(Date.parse('2026-03-10T10:00:00Z'), 1)] }), 100, NOW)).toBeNull();
    expect(applyDelta(loading, delta({ revenue: [] }), 100, NOW)).not.toBeNull();
  });

  it('rolls the series to now before adding (an order in the hour that just began)', () => {
    const later = NOW + HOUR;
    const next = applyDelta(held(), delta({ revenue: [inc(Date.parse('2026-03-10T11:00:00Z'), 40)] }), 100, later)!;
    expect(next.revenue.data).toHaveLength(24);
    expect(next.revenue.data!.at(-1)).toMatchObject({ bucketStart: '2026-03-10T11:00:00.000Z', revenueCents: 40 });
  });
});

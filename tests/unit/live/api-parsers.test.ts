import { describe, expect, it } from 'vitest';
import { getActivityFeed, parseActivityFeed } from '@/features/activity/api/get-activity-feed';
import { getCurrentStaff, parseCurrentStaff } from '@/features/auth/api/get-current-staff';
import { parseKpis } from '@/features/metrics/api/get-kpis';
import { parseRevenueSeries } from '@/features/metrics/api/get-revenue-series';
import { parseRevenueSeriesAtHead } from '@/features/metrics/api/get-revenue-series-at-head';
import { parseTicketStatusBreakdown } from '@/features/metrics/api/get-ticket-status-breakdown';
import { parseDashboardSync, syncDashboard } from '@/features/metrics/api/sync-dashboard';
import { ApiError, isNetworkError, toAuthApiError } from '@/lib/api-error';
import { ParseError } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';

const rpcClient = (result: { data: unknown; error: unknown; status: number }) => {
  const calls: { fn: string; args: unknown }[] = [];
  // like postgrest-js's builder: a thenable that also takes an abort signal
  const rpc = (fn: string, args: unknown) => {
    calls.push({ fn, args });
    const answer = Promise.resolve(result);
    return Object.assign(answer, { abortSignal: () => answer });
  };
  const client = { rpc } as unknown as AppSupabaseClient;
  return { client, calls };
};

const kpiJson = {
  total_revenue_cents: 123_456, products_sold: 42, orders_count: 7, active_repairs: 5, new_tickets_24h: 3,
  as_of: '2026-03-10T10:30:00.123456+00:00', cursor: 991, role: 'admin',
  previous: { total_revenue_cents: 100_000, products_sold: 40, orders_count: 6, active_repairs: 4, new_tickets_24h: 2 },
};

describe('data access: parsing RPC results at the edge', () => {
  it('dashboard_kpis → Kpis, cursor and role', () => {
    expect(parseKpis(kpiJson)).toEqual({
      kpis: {
        totalRevenueCents: 123_456, productsSold: 42, ordersCount: 7, activeRepairs: 5, newTickets24h: 3,
        asOf: '2026-03-10T10:30:00.123Z',
        previous: { totalRevenueCents: 100_000, productsSold: 40, ordersCount: 6, activeRepairs: 4, newTickets24h: 2 },
      },
      cursor: 991,
      role: 'admin',
    });
  });

  it('support KPIs keep revenue as null', () => {
    const support = { ...kpiJson, role: 'support', total_revenue_cents: null, products_sold: null, orders_count: null,
      previous: { ...kpiJson.previous, total_revenue_cents: null, products_sold: null, orders_count: null } };
    expect(parseKpis(support).kpis).toMatchObject({ totalRevenueCents: null, productsSold: null, ordersCount: null });
  });

  it.each([
    ['not an object', 'nope'],
    ['a missing count', { ...kpiJson, active_repairs: undefined }],
    ['an unknown role', { ...kpiJson, role: 'owner' }],
    ['a bad timestamp', { ...kpiJson, as_of: 'soon' }],
  ])('rejects KPIs with %s', (_name, data) => {
    expect(() => parseKpis(data)).toThrow(ParseError);
  });

  it('activity rows → items; unknown kinds are skipped but still move the cursor', () => {
    const page = parseActivityFeed([
      { id: 12, kind: 'order_placed', entity_type: 'order', entity_id: 'o1', occurred_at: '2026-03-10T10:00:00+00:00',
        summary: { order_number: 5001, customer_name: 'Ann', total_cents: 999, item_count: 2, status: 'paid', nested: { x: 1 } } },
      { id: 13, kind: 'warranty_claimed', entity_type: 'ticket', entity_id: 't1', occurred_at: '2026-03-10T10:01:00Z', summary: {} },
      { id: 14, kind: 'customer_updated', entity_type: 'customer', entity_id: 'c1', occurred_at: '2026-03-10T10:02:00Z',
        summary: { customer_name: 'Bo', email: 'bo@x.y', changed: ['phone'] } },
    ]);
    expect(page).toMatchObject({ rowCount: 3, maxId: 14, skipped: 1 });
    expect(page.items.map((i) => i.id)).toEqual([12, 14]);
    expect(page.items[0]).toEqual({
      id: 12, kind: 'order_placed', entityType: 'order', entityId: 'o1', occurredAt: '2026-03-10T10:00:00.000Z',
      summary: { order_number: 5001, customer_name: 'Ann', total_cents: 999, item_count: 2, status: 'paid' },
    });
    expect(page.items[1]?.summary.changed).toEqual(['phone']);
  });

  it('revenue series, ticket statuses and the current staff member', () => {
    expect(parseRevenueSeries([{ bucket_start: '2026-03-10T00:00:00+00:00', revenue_cents: '1500', orders_count: 1 }])).toEqual([
      { bucketStart: '2026-03-10T00:00:00.000Z', revenueCents: 1500, ordersCount: 1 },
    ]);
    const point = { bucket_start: '2026-03-10T00:00:00+00:00', revenue_cents: 1500, orders_count: 1 };
    expect(parseRevenueSeriesAtHead({ points: [point], delta_seq: '42', delta_sent_at: '2026-03-10T00:00:01.000001+00:00' })).toEqual({
      points: [{ bucketStart: '2026-03-10T00:00:00.000Z', revenueCents: 1500, ordersCount: 1 }],
      deltaSeq: 42,
      deltaSentAtMicros: Date.parse('2026-03-10T00:00:01Z') * 1000 + 1,
    });
    expect(parseRevenueSeriesAtHead({ points: [], delta_seq: 0, delta_sent_at: null })).toEqual({ points: [], deltaSeq: 0, deltaSentAtMicros: 0 });
    expect(() => parseRevenueSeriesAtHead([point])).toThrow(ParseError); // revenue_series' shape, no head
    expect(() => parseRevenueSeriesAtHead({ points: [point], delta_seq: -1 })).toThrow(ParseError);
    expect(() => parseRevenueSeriesAtHead({ points: [point], delta_seq: 3, delta_sent_at: null })).toThrow(ParseError);
    expect(parseTicketStatusBreakdown([{ status: 'open', count: 3 }])).toEqual([{ status: 'open', count: 3 }]);
    expect(parseCurrentStaff({ id: 'u', email: 'a@b.c', display_name: null, role: 'support' })).toEqual({
      id: 'u', email: 'a@b.c', displayName: 'a@b.c', role: 'support',
    });
  });

  it('passes the cursor arguments through and throws on { error }', async () => {
    const ok = rpcClient({ data: [], error: null, status: 200 });
    await getActivityFeed(ok.client, { after: 7, limit: 500 });
    expect(ok.calls).toEqual([{ fn: 'activity_feed', args: { p_limit: 500, p_after: 7 } }]);
    const denied = rpcClient({ data: null, error: { message: 'staff only', code: '42501' }, status: 403 });
    await expect(getCurrentStaff(denied.client)).rejects.toMatchObject({ name: 'ApiError', code: '42501', status: 403 });
    const down = rpcClient({ data: null, error: { message: 'TypeError: fetch failed', code: '' }, status: 0 });
    const err = await getActivityFeed(down.client, { limit: 10 }).catch((e: unknown) => e);
    expect(isNetworkError(err)).toBe(true);
  });

  it('dashboard_sync → one typed snapshot; ticket_aging passes through; null arguments are left out', async () => {
    const json = {
      epoch: 'e1', reset: false, cursor: '14', feed_complete: true,
      feed: [{ id: 14, kind: 'ticket_created', entity_type: 'ticket', entity_id: 't1', occurred_at: '2026-03-10T10:00:00Z', summary: { ticket_number: 7 } }],
      kpis: { ...kpiJson, cursor: 14 }, ticket_status: [{ status: 'open', count: 2 }],
      revenue: [{ bucket_start: '2026-03-10T00:00:00+00:00', revenue_cents: 100, orders_count: 1 }],
      ticket_aging: { active: [{ status: 'open', count: 2, oldest_seconds: 60 }], done_30d: { closed: 1, cancelled: 0 } },
      delta_seq: 3, delta_sent_at: '2026-03-10T10:00:00.000123+00:00',
    };
    const sync = parseDashboardSync(json);
    expect(sync).toMatchObject({ deltaSeq: 3, deltaSentAtMicros: Date.parse('2026-03-10T10:00:00Z') * 1000 + 123 });
    expect(parseDashboardSync({ ...json, delta_seq: 0, delta_sent_at: null })).toMatchObject({ deltaSeq: 0, deltaSentAtMicros: 0 });
    expect(sync).toMatchObject({ epoch: 'e1', reset: false, cursor: 14, feedComplete: true, role: 'admin', ticketStatus: [{ status: 'open', count: 2 }] });
    expect(sync.feed.items.map((i) => i.id)).toEqual([14]);
    expect(sync.revenue).toEqual([{ bucketStart: '2026-03-10T00:00:00.000Z', revenueCents: 100, ordersCount: 1 }]);
    expect(sync.ticketAging).toEqual(json.ticket_aging);
    expect(structuredClone(sync)).toEqual(sync);
    expect(parseDashboardSync({ ...json, revenue: null, ticket_aging: undefined })).toMatchObject({ revenue: null, ticketAging: null });
    for (const bad of [
      null, [], { ...json, reset: 'no' }, { ...json, feed_complete: undefined }, { ...json, kpis: null }, { ...json, cursor: -1 },
      { ...json, ticket_status: {} },
      // the KPIs must be from the same snapshot as the feed and the cursor
      { ...json, kpis: { ...kpiJson, cursor: 13 } }, { ...json, kpis: { ...kpiJson, cursor: null } },
      { ...json, kpis: { ...kpiJson, cursor: 14, role: 'customer' } },
      { ...json, feed: [{ id: 'x' }] }, { ...json, revenue: [{ bucket_start: 'soon' }] },
      // contract v2: the newest delta in the snapshot
      { ...json, delta_seq: undefined }, { ...json, delta_seq: -1 }, { ...json, delta_sent_at: null },
    ]) {
      const err = (() => { try { parseDashboardSync(bad); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(ParseError);
      // every message names the part of dashboard_sync it is about
      expect((err as Error).message).toContain('dashboard_sync');
      expect(isNetworkError(err)).toBe(false);
    }
    expect(() => parseDashboardSync({ ...json, kpis: { ...kpiJson, cursor: 13 } })).toThrow(/dashboard_sync\.kpis\.cursor/);
    expect(() => parseDashboardSync({ ...json, ticket_status: [{ status: 1, count: 1 }] })).toThrow(/^dashboard_sync\.ticket_status: /);

    const ok = rpcClient({ data: json, error: null, status: 200 });
    await syncDashboard(ok.client, { after: null, epoch: null, limit: 100, revenueFrom: null, bucket: 'day', tz: 'UTC' });
    await syncDashboard(ok.client, { after: 14, epoch: 'e1', limit: 50, revenueFrom: '2026-03-04T00:00:00.000Z', bucket: 'hour', tz: 'UTC' });
    await syncDashboard(ok.client, { after: 14, afterAt: '2026-03-10T10:00:00.000Z', epoch: 'e1', limit: 50, revenueFrom: null, bucket: 'day', tz: 'UTC' });
    await syncDashboard(ok.client, { after: null, afterAt: '2026-03-10T10:00:00.000Z', epoch: null, limit: 50, revenueFrom: null, bucket: 'day', tz: 'UTC' });
    expect(ok.calls).toEqual([
      { fn: 'dashboard_sync', args: { p_limit: 100, p_bucket: 'day', p_tz: 'UTC' } },
      { fn: 'dashboard_sync', args: { p_limit: 50, p_bucket: 'hour', p_tz: 'UTC', p_after: 14, p_epoch: 'e1', p_revenue_from: '2026-03-04T00:00:00.000Z' } },
      { fn: 'dashboard_sync', args: { p_limit: 50, p_bucket: 'day', p_tz: 'UTC', p_after: 14, p_after_at: '2026-03-10T10:00:00.000Z', p_epoch: 'e1' } },
      // no cursor, no anchor
      { fn: 'dashboard_sync', args: { p_limit: 50, p_bucket: 'day', p_tz: 'UTC' } },
    ]);
    const garbage = rpcClient({ data: '<html>502</html>', error: null, status: 200 });
    await expect(syncDashboard(garbage.client, { after: null, epoch: null, limit: 100, revenueFrom: null, bucket: 'day', tz: 'UTC' })).rejects.toBeInstanceOf(ParseError);
  });

  it('classifies auth errors: retryable fetch errors are network, the rest end the session', () => {
    expect(toAuthApiError({ name: 'AuthRetryableFetchError', message: 'fetch failed', status: 0 }).status).toBe(0);
    expect(toAuthApiError({ name: 'AuthRetryableFetchError', message: 'bad gateway', status: 502 }).status).toBe(0);
    const rejected = toAuthApiError({ name: 'AuthApiError', message: 'Invalid Refresh Token', status: 400, code: 'refresh_token_not_found' });
    expect(rejected).toBeInstanceOf(ApiError);
    expect(isNetworkError(rejected)).toBe(false);
  });
});

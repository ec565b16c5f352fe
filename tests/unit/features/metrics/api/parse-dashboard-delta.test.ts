import { describe, expect, it } from 'vitest';
import { parseDashboardDelta } from '@/features/metrics/api/parse-dashboard-delta';
import { ParseError, requireTimestampMicros } from '@/lib/parse';

const values = { total_revenue_cents: 1200, products_sold: 3, orders_count: 2, active_repairs: 4, new_tickets_24h: 1 };
const row = (id: number, kind = 'ticket_created', entity_type = 'ticket') => ({
  id,
  kind,
  entity_type,
  entity_id: `00000000-0000-0000-0000-00000000000${id % 10}`,
  occurred_at: '2026-12-01T23:15:52.123456+00:00',
  summary: { ticket_number: 1000 + id },
});

// A delta as the broadcast-db migration sends it (to_jsonb renders timestamptz with µs and an offset).
function delta(over: Record<string, unknown> = {}) {
  return {
    epoch: 'e1',
    seq: 7,
    prev_sent_at: '2026-12-01T23:15:52.1+00:00',
    touched: { tickets: ['a1400000-0000-4000-8000-000000000001'], orders: 'many', customers: [], products: [] },
    from_cursor: 10,
    cursor: 12,
    feed: [row(12), row(11)],
    feed_complete: true,
    kpis: { ...values, as_of: '2026-12-01T23:15:52.1+00:00', cursor: 12, role: 'admin', previous: values },
    ticket_status: [{ status: 'open', count: 4 }],
    ticket_aging: null,
    revenue: [{ hour: '2026-12-01T23:00:00+00:00', revenue_cents: 1500, orders_count: 1, items_sold: 2 }],
    sent_at: '2026-12-01T23:15:52.123456+00:00',
    id: 'a2c1e4e2-8f39-4b5a-9b8e-2c3b1a0f9e11',
    ...over,
  };
}

describe('parseDashboardDelta', () => {
  it('reads the contract’s payload into a typed delta (unknown keys such as id ignored)', () => {
    const d = parseDashboardDelta(delta());
    expect(d).toMatchObject({ epoch: 'e1', fromCursor: 10, cursor: 12, feedComplete: true, role: 'admin', ticketAging: null });
    expect(d.feed.items.map((i) => i.id)).toEqual([12, 11]);
    expect(d.kpis).toMatchObject({ totalRevenueCents: 1200, activeRepairs: 4 });
    expect(d.revenue).toEqual([{ hour: Date.parse('2026-12-01T23:00:00Z'), revenueCents: 1500, ordersCount: 1, itemsSold: 2 }]);
    expect(d.sentAtMicros).toBe(Date.parse('2026-12-01T23:15:52.123Z') * 1000 + 456);
  });

  it('reads contract v2: the topic number and the touched entities', () => {
    const d = parseDashboardDelta(delta());
    expect(d.seq).toBe(7);
    expect(d.prevSentAtMicros).toBe(Date.parse('2026-12-01T23:15:52.1Z') * 1000);
    // null: the topic's first delta (nothing before), or unknown (a writer under an older snapshot)
    expect(parseDashboardDelta(delta({ seq: 1, prev_sent_at: null })).prevSentAtMicros).toBe(0);
    expect(parseDashboardDelta(delta({ prev_sent_at: null })).prevSentAtMicros).toBeNull();
    expect(d.touched).toEqual({ tickets: ['a1400000-0000-4000-8000-000000000001'], orders: 'many', customers: [], products: [] });
  });

  it('keeps microseconds, so two commits in one millisecond stay in order, whatever the offset', () => {
    expect(requireTimestampMicros('2026-12-01T23:15:52.123457+00:00', 't')).toBeGreaterThan(requireTimestampMicros('2026-12-01T23:15:52.123456Z', 't'));
    expect(requireTimestampMicros('2026-12-02T04:45:52.5+05:30', 't')).toBe(Date.parse('2026-12-01T23:15:52.5Z') * 1000);
    expect(requireTimestampMicros('2026-12-01 23:15:52+00', 't')).toBe(Date.parse('2026-12-01T23:15:52Z') * 1000);
    expect(() => requireTimestampMicros('yesterday', 't')).toThrow(ParseError);
  });

  it('a support delta has null revenue; revenue on a support delta is refused', () => {
    const support = { ...delta().kpis, total_revenue_cents: null, products_sold: null, orders_count: null, role: 'support' };
    const noOrders = { tickets: [], orders: [], customers: [], products: [] };
    expect(parseDashboardDelta(delta({ kpis: support, revenue: null, touched: noOrders })).revenue).toBeNull();
    expect(() => parseDashboardDelta(delta({ kpis: support, touched: noOrders }))).toThrow(/revenue must be null for support/);
    // support may not learn of orders through touched either
    expect(() => parseDashboardDelta(delta({ kpis: support, revenue: null }))).toThrow(/touched.orders must be empty for support/);
  });

  it('accepts from_cursor -1 (a writer under an older snapshot) and an incomplete feed without the newest row', () => {
    expect(parseDashboardDelta(delta({ from_cursor: -1 })).fromCursor).toBe(-1);
    expect(parseDashboardDelta(delta({ feed: [], feed_complete: false })).feed.items).toEqual([]);
  });

  it.each([
    ['not an object', 'garbage', /dashboard_delta/],
    ['a cursor below from_cursor', delta({ cursor: 9, kpis: { ...delta().kpis, cursor: 9 } }), /below from_cursor/],
    ['kpis for another cursor', delta({ kpis: { ...delta().kpis, cursor: 11 } }), /kpis.cursor/],
    ['rows outside the transaction', delta({ feed: [row(13), row(12)] }), /outside/],
    ['a complete feed without the row at the cursor', delta({ feed: [row(11)] }), /lacks the row/],
    ['no feed_complete', delta({ feed_complete: 'yes' }), /feed_complete/],
    ['admin without revenue', delta({ revenue: undefined }), /revenue is missing/],
    ['an hour that is not an hour', delta({ revenue: [{ hour: '2026-12-01T23:30:00Z', revenue_cents: 1, orders_count: 0 }] }), /UTC hour/],
    ['a bad sent_at', delta({ sent_at: 'now' }), /sent_at/],
    ['a negative from_cursor other than -1', delta({ from_cursor: -2 }), /from_cursor/],
    ['no seq (contract v1)', delta({ seq: undefined }), /seq/],
    ['a seq of 0', delta({ seq: 0 }), /seq/],
    ['no prev_sent_at', delta({ prev_sent_at: undefined }), /prev_sent_at/],
    ['a bad prev_sent_at', delta({ prev_sent_at: 'then' }), /prev_sent_at/],
    ['no touched', delta({ touched: undefined }), /touched/],
    ['a touched id that is not a uuid', delta({ touched: { tickets: [12], orders: [], customers: [], products: [] } }), /touched\.tickets/],
    ['more than 100 touched ids', delta({ touched: { tickets: Array(101).fill('a1400000-0000-4000-8000-000000000001'), orders: [], customers: [], products: [] } }), /many/],
    ['an unknown role', delta({ kpis: { ...delta().kpis, role: 'owner' } }), /role/],
  ])('refuses %s with a ParseError', (_what, payload, message) => {
    expect(() => parseDashboardDelta(payload)).toThrow(ParseError);
    expect(() => parseDashboardDelta(payload)).toThrow(message);
  });
});

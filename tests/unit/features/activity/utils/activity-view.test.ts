// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { parseEntityDetail } from '@/features/activity/api/get-entity-detail';
import { toSearchArgs } from '@/features/activity/api/search-activity-feed';
import { describeFilter } from '@/features/activity/utils/describe-filter';
import { isTypingTarget, toShortcut } from '@/features/activity/utils/shortcuts';
import { toRecordFields, toRecordTitle } from '@/features/activity/utils/to-record-fields';
import { EMPTY_FILTER, isFiltered, parseEntityRef, parseView, toFilter, toViewSearch } from '@/features/activity/utils/view-params';

const ID = '0b5f1c2e-7d4a-4e8b-9c3d-2a1b0c9d8e7f';

describe('view params', () => {
  it('reads a shared link and writes it back the same way', () => {
    const search = `q=iphone&kind=tickets&status=open&priority=urgent&open=ticket%3A${ID}`;
    const view = parseView(new URLSearchParams(search));
    expect(view).toEqual({ q: 'iphone', kind: 'ticket', status: 'open', priority: 'urgent', open: { type: 'ticket', id: ID } });
    expect(toViewSearch(view)).toBe(search);
  });

  it('drops what it cannot read instead of failing', () => {
    expect(parseView(new URLSearchParams('kind=invoices&status=lost&open=ticket:nope'))).toEqual({ ...EMPTY_FILTER, open: null });
    // status and priority only mean something for tickets
    expect(parseView(new URLSearchParams('kind=customers&status=open'))).toMatchObject({ kind: 'customer', status: null });
    expect(parseEntityRef(`order:${ID.toUpperCase()}`)).toEqual({ type: 'order', id: ID });
    expect(parseEntityRef(`invoice:${ID}`)).toBeNull();
    expect(parseEntityRef(`ticket:${ID}:extra`)).toBeNull();
    expect(parseView(new URLSearchParams(`q=${'x'.repeat(300)}`)).q).toHaveLength(200);
  });

  it('asks the server for the trimmed query and knows when nothing is filtered', () => {
    expect(toFilter({ ...EMPTY_FILTER, q: '  jane   doe ' }).q).toBe('jane doe');
    expect(isFiltered(toFilter({ ...EMPTY_FILTER, q: '   ' }))).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, kind: 'product' })).toBe(true);
  });

  it('turns a filter into activity_feed arguments, leaving out what is not set', () => {
    expect(toSearchArgs({ filter: { q: 'jane', kind: 'ticket', status: 'ready', priority: 'urgent' }, limit: 50, before: 99 })).toEqual({
      p_limit: 50,
      p_before: 99,
      p_query: 'jane',
      p_types: ['ticket'],
      p_ticket_status: ['ready'],
      p_ticket_priority: ['urgent'],
    });
    expect(toSearchArgs({ filter: EMPTY_FILTER, limit: 50 })).toEqual({ p_limit: 50 });
  });

  it('says a filter in words', () => {
    expect(describeFilter({ q: 'iphone', kind: 'ticket', status: 'waiting_parts', priority: null })).toBe('“iphone” in tickets (status Waiting parts)');
    expect(describeFilter({ ...EMPTY_FILTER, kind: 'product' })).toBe('these filters in products');
  });
});

describe('shortcuts', () => {
  const key = (k: string, target: EventTarget | null = null, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
    toShortcut({ key: k, ctrlKey: false, metaKey: false, altKey: false, target, ...mods });

  it('maps / j k ? and nothing else', () => {
    expect([key('/'), key('j'), key('k'), key('?'), key('J'), key('x')]).toEqual(['focus-search', 'next', 'previous', 'help', null, null]);
  });

  it('leaves typing and modified keys alone', () => {
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    expect(key('j', input)).toBeNull();
    expect(key('/', textarea)).toBeNull();
    expect(isTypingTarget(checkbox)).toBe(false);
    expect(key('j', null, { ctrlKey: true })).toBeNull();
    expect(key('k', null, { metaKey: true })).toBeNull();
    expect(key('/', null, { altKey: true })).toBeNull();
    expect(toShortcut({ key: 'j', ctrlKey: false, metaKey: false, altKey: false, target: null, isComposing: true })).toBeNull();
  });
});

describe('entity_detail parsing', () => {
  const row = (id: number) => ({ id, kind: 'ticket_status_changed', entity_type: 'ticket', entity_id: ID, occurred_at: '2026-12-01T20:00:00.123+00:00', summary: { ticket_number: 1042, old_status: 'open', new_status: 'ready' } });

  it('reads the record per kind and the history newest first', () => {
    const detail = parseEntityDetail('ticket', {
      entity: { id: ID, number: 1042, customer_id: null, customer_name: 'Jane Doe', device: 'iPhone 13', issue: 'Screen', status: 'ready', priority: 'high', created_at: '2026-11-30T10:00:00+00:00', closed_at: null },
      history: [row(3), row(9), { ...row(5), kind: 'from_a_newer_migration' }],
      history_complete: false,
      deleted: true,
    });
    expect(detail.history.map((h) => h.id)).toEqual([9, 3]);
    expect(detail).toMatchObject({ deleted: true, historyComplete: false });
    expect(toRecordTitle(detail.record, 'Ticket')).toBe('Ticket #1042');
    expect(toRecordFields(detail.record!, 'en-US').map((f) => f.label)).toEqual(['Number', 'Customer', 'Device', 'Issue', 'Status', 'Priority', 'Opened', 'Closed']);
  });

  it('reads orders with their lines, customers and products', () => {
    const order = parseEntityDetail('order', {
      entity: { id: ID, number: 5003, customer_id: ID, customer_name: 'Ann', status: 'paid', total_cents: 2500, item_count: 2, items: [{ product_id: ID, name: 'Case', sku: 'CASE-1', quantity: 2, unit_price_cents: 1250 }] },
      history: [],
      history_complete: true,
      deleted: false,
    });
    expect(order.record).toMatchObject({ type: 'order', totalCents: 2500, items: [{ name: 'Case', sku: 'CASE-1', quantity: 2, unitPriceCents: 1250 }] });
    expect(toRecordFields(order.record!, 'en-US').find((f) => f.label === 'Total')?.value).toBe('$25.00');
    const customer = parseEntityDetail('customer', { entity: { id: ID, full_name: 'Jane', email: 'j@x.io', phone: null, open_tickets: 2 }, history: [], deleted: false });
    expect(toRecordFields(customer.record!).map((f) => f.value)).toEqual(['Jane', 'j@x.io', '—', '2']);
    const product = parseEntityDetail('product', { entity: { id: ID, name: 'Case', sku: 'CASE-1', price_cents: 999, stock: 4 }, history: [], deleted: false });
    expect(toRecordFields(product.record!, 'en-US').map((f) => f.value)).toEqual(['Case', 'CASE-1', '$9.99', '4']);
  });

  it('reads "nothing by that id" and rejects garbage with a clear error', () => {
    expect(parseEntityDetail('ticket', { entity: null, history: [], history_complete: true, deleted: false }).record).toBeNull();
    expect(() => parseEntityDetail('ticket', 'oops')).toThrow(/entity_detail/);
    expect(() => parseEntityDetail('ticket', { entity: null, history: 'x' })).toThrow(/entity_detail.history/);
  });
});

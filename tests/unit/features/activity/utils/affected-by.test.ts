import { describe, expect, it } from 'vitest';
import { NOTHING_TOUCHED } from '@/live/touched';
import type { TouchedEntities } from '@/live/types';
import type { ActivityFilter, EntityDetail, EntityRecord } from '@/features/activity/types';
import { panelAffectedBy, searchAffectedBy } from '@/features/activity/utils/affected-by';

const t = (patch: Partial<TouchedEntities>): TouchedEntities => ({ ...NOTHING_TOUCHED, ...patch });
const f = (patch: Partial<ActivityFilter> = {}): ActivityFilter => ({ q: '', kind: 'ticket', status: null, priority: null, ...patch });
const detail = (record: EntityRecord): EntityDetail => ({ record, deleted: false, history: [], historyComplete: true });

describe('what a change can alter on /activity', () => {
  it('a search: only a ticket status or priority filter reads rows as they are now', () => {
    expect(searchAffectedBy(f({ priority: 'urgent' }), t({ tickets: ['x'] }))).toBe(true);
    expect(searchAffectedBy(f({ status: 'open' }), t({ tickets: 'many' }))).toBe(true);
    expect(searchAffectedBy(f({ priority: 'urgent' }), t({ orders: 'many', customers: 'many', products: 'many' }))).toBe(false);
    expect(searchAffectedBy(f({ q: 'jane' }), t({ tickets: 'many' }))).toBe(false);
    expect(searchAffectedBy(null, t({ tickets: 'many' }))).toBe(false);
  });

  it('a ticket panel: the ticket and its customer', () => {
    const ref = { type: 'ticket' as const, id: 't1' };
    const d = detail({ type: 'ticket', number: 1, customerId: 'c1', customerName: 'Jane', device: null, issue: null, status: 'open', priority: 'low', openedAt: null, closedAt: null });
    expect(panelAffectedBy(ref, d, t({ tickets: ['t1'] }))).toBe(true);
    expect(panelAffectedBy(ref, d, t({ customers: ['c1'] }))).toBe(true);
    expect(panelAffectedBy(ref, d, t({ tickets: ['t2'], customers: ['c2'], orders: 'many', products: 'many' }))).toBe(false);
    // before its record is known, any customer may be its own
    expect(panelAffectedBy(ref, null, t({ customers: ['c2'] }))).toBe(true);
  });

  it("an order panel: the order, its customer and its lines' products", () => {
    const ref = { type: 'order' as const, id: 'o1' };
    const d = detail({
      type: 'order',
      number: 1,
      customerId: null,
      customerName: null,
      status: 'paid',
      totalCents: 1,
      itemCount: 1,
      items: [{ productId: 'p1', name: 'Screen', sku: null, quantity: 1, unitPriceCents: 1 }],
    });
    expect(panelAffectedBy(ref, d, t({ products: ['p1'] }))).toBe(true);
    expect(panelAffectedBy(ref, d, t({ orders: 'many' }))).toBe(true);
    expect(panelAffectedBy(ref, d, t({ products: ['p2'], customers: 'many', tickets: 'many' }))).toBe(false);
  });

  it('a customer panel: the customer and any ticket (its open tickets); a product panel: the product', () => {
    expect(panelAffectedBy({ type: 'customer', id: 'c1' }, null, t({ tickets: ['any'] }))).toBe(true);
    expect(panelAffectedBy({ type: 'customer', id: 'c1' }, null, t({ customers: ['c2'], products: 'many' }))).toBe(false);
    expect(panelAffectedBy({ type: 'product', id: 'p1' }, null, t({ products: ['p1'] }))).toBe(true);
    expect(panelAffectedBy({ type: 'product', id: 'p1' }, null, t({ products: ['p2'], orders: 'many', tickets: 'many', customers: 'many' }))).toBe(false);
  });
});

import { touches, touchesTable } from '@/live/touched';
import type { TouchedEntities } from '@/live/types';
import type { ActivityFilter, EntityDetail, EntityRef } from '../types';

const TABLE = { ticket: 'tickets', order: 'orders', customer: 'customers', product: 'products' } as const;

/**
 * Whether a change can alter a search's answer without adding a row (new rows move the cursor).
 * The rows' text never changes; only a ticket status or priority filter reads the tickets as they
 * are now, so any ticket change may move a ticket in or out.
 */
export function searchAffectedBy(filter: ActivityFilter | null, touched: TouchedEntities): boolean {
  if (!filter || (filter.status === null && filter.priority === null)) return false;
  return touchesTable(touched, 'tickets');
}

/**
 * Whether a change can alter what the open panel shows: the entity itself, and what its record
 * shows of others (entity_detail): a ticket's or an order's customer name, an order line's product
 * name and SKU, a customer's open tickets (any ticket may be theirs). Before the record is known,
 * any change of those tables.
 */
export function panelAffectedBy(ref: EntityRef | null, detail: EntityDetail | null, touched: TouchedEntities): boolean {
  if (!ref) return false;
  if (touches(touched, TABLE[ref.type], ref.id)) return true;
  const record = detail?.record ?? null;
  // undefined: not known yet (any customer may be theirs); null: none
  const customer = (id: string | null | undefined) =>
    id === undefined ? touchesTable(touched, 'customers') : id !== null && touches(touched, 'customers', id);
  switch (ref.type) {
    case 'ticket':
      return customer(record?.type === 'ticket' ? record.customerId : undefined);
    case 'order': {
      const order = record?.type === 'order' ? record : null;
      if (customer(order ? order.customerId : undefined)) return true;
      const lines = order?.items;
      if (!lines) return touchesTable(touched, 'products');
      return lines.some((l) => (l.productId ? touches(touched, 'products', l.productId) : touchesTable(touched, 'products')));
    }
    case 'customer':
      return touchesTable(touched, 'tickets');
    case 'product':
      return false;
  }
}

/**
 * The entities a committed transaction changed, as the dashboard delta names them (contract v2,
 * see docs/delta-contract.md). Per table: the ids the delta's audience may see (support: no
 * orders), at most 100, or 'many' when the transaction changed more (re-read everything shown
 * from that table). An empty list: nothing of that table changed.
 *
 * Order lines (`order_items`) count as their order; a product's price or name change counts as
 * the product. Ticket priority, status, assignment and device edits count as the ticket.
 */
export type TouchedIds = readonly string[] | 'many';

export interface TouchedEntities {
  tickets: TouchedIds;
  orders: TouchedIds;
  customers: TouchedIds;
  products: TouchedIds;
}

export const TOUCHED_LIMIT = 100;

export const NOTHING_TOUCHED: TouchedEntities = { tickets: [], orders: [], customers: [], products: [] };

/** Whether a change set names this entity (or its whole table). */
export function touches(t: TouchedEntities, table: keyof TouchedEntities, id: string): boolean {
  const ids = t[table];
  return ids === 'many' || ids.includes(id);
}

/** Whether a change set names anything of this table. */
export function touchesTable(t: TouchedEntities, table: keyof TouchedEntities): boolean {
  const ids = t[table];
  return ids === 'many' || ids.length > 0;
}

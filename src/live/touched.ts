import type { TouchedEntities } from './types';

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

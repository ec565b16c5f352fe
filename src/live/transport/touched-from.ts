import type { TableChange } from './parse-change';
import { NOTHING_TOUCHED } from '../touched';
import type { TouchedEntities } from '../types';

/**
 * postgres_changes: one row change. Order lines are not a live table: their triggers update the
 * order's totals, which is the order's own change. A change without a key (a DELETE without the
 * old row's id, an error payload) may be any row of its table.
 */
export function touchedFromChange(change: TableChange): TouchedEntities {
  return { ...NOTHING_TOUCHED, [change.table]: change.key === null || change.hasErrors ? 'many' : [change.key] };
}


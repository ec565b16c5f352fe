import { ParseError, requireArray, requireObject } from '@/lib/parse';
import { TOUCHED_LIMIT } from '@/live/touched';
import type { TouchedEntities, TouchedIds } from '@/live/types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseIds(value: unknown, field: string): TouchedIds {
  if (value === 'many') return 'many';
  const ids = requireArray(value, field);
  if (ids.length > TOUCHED_LIMIT) throw new ParseError(`${field} has more than ${TOUCHED_LIMIT} ids (the contract says 'many')`);
  return ids.map((id, i) => {
    if (typeof id !== 'string' || !UUID.test(id)) throw new ParseError(`Unexpected value for ${field}[${i}]: ${JSON.stringify(id)}`);
    return id;
  });
}

/** A delta's `touched` → TouchedEntities; support's must name no order. */
export function parseTouched(value: unknown, support: boolean, field = 'dashboard_delta.touched'): TouchedEntities {
  const o = requireObject(value, field);
  const touched: TouchedEntities = {
    tickets: parseIds(o.tickets, `${field}.tickets`),
    orders: parseIds(o.orders, `${field}.orders`),
    customers: parseIds(o.customers, `${field}.customers`),
    products: parseIds(o.products, `${field}.products`),
  };
  if (support && (touched.orders === 'many' || touched.orders.length > 0)) throw new ParseError(`${field}.orders must be empty for support`);
  return touched;
}

import { ParseError, requireInt, requireObject, requireString, requireTimestamp, toIntOrNull, type JsonObject } from '@/lib/parse';
import type { KpiSnapshot, KpiValues, StaffRole } from '@/live/types';

function toKpiValues(o: JsonObject, field: string): KpiValues {
  return {
    totalRevenueCents: toIntOrNull(o.total_revenue_cents, `${field}.total_revenue_cents`),
    productsSold: toIntOrNull(o.products_sold, `${field}.products_sold`),
    ordersCount: toIntOrNull(o.orders_count, `${field}.orders_count`),
    activeRepairs: requireInt(o.active_repairs, `${field}.active_repairs`),
    newTickets24h: requireInt(o.new_tickets_24h, `${field}.new_tickets_24h`),
  };
}

/** `label` names the field in parse errors (`dashboard_sync.kpis` when it comes from a sync). */
export function parseKpis(data: unknown, label = 'dashboard_kpis'): KpiSnapshot {
  const o = requireObject(data, label);
  const role = requireString(o.role, `${label}.role`);
  if (role !== 'admin' && role !== 'support') throw new ParseError(`Unexpected value for ${label}.role: ${role}`);
  return {
    kpis: {
      ...toKpiValues(o, label),
      asOf: requireTimestamp(o.as_of, `${label}.as_of`),
      previous: toKpiValues(requireObject(o.previous, `${label}.previous`), `${label}.previous`),
    },
    cursor: o.cursor === null || o.cursor === undefined ? 0 : requireInt(o.cursor, `${label}.cursor`),
    role: role satisfies StaffRole,
  };
}


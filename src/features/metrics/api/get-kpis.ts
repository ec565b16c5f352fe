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

export function parseKpis(data: unknown): KpiSnapshot {
  const o = requireObject(data, 'dashboard_kpis');
  const role = requireString(o.role, 'dashboard_kpis.role');
  if (role !== 'admin' && role !== 'support') throw new ParseError(`Unexpected role: ${role}`);
  return {
    kpis: {
      ...toKpiValues(o, 'dashboard_kpis'),
      asOf: requireTimestamp(o.as_of, 'dashboard_kpis.as_of'),
      previous: toKpiValues(requireObject(o.previous, 'dashboard_kpis.previous'), 'dashboard_kpis.previous'),
    },
    cursor: o.cursor === null || o.cursor === undefined ? 0 : requireInt(o.cursor, 'dashboard_kpis.cursor'),
    role: role satisfies StaffRole,
  };
}


import type { KpiValues, Kpis, Loadable } from './types';

function sameValues(a: KpiValues, b: KpiValues): boolean {
  return (
    a.totalRevenueCents === b.totalRevenueCents &&
    a.productsSold === b.productsSold &&
    a.ordersCount === b.ordersCount &&
    a.activeRepairs === b.activeRepairs &&
    a.newTickets24h === b.newTickets24h
  );
}

/**
 * Applies a KPI response. A response computed before the one already shown (responses can overtake
 * each other) is ignored; an unchanged one keeps the old object so selectors do not re-render.
 */
export function applyKpis(current: Loadable<Kpis>, next: Kpis): Loadable<Kpis> {
  const shown = current.data;
  if (shown && Date.parse(next.asOf) < Date.parse(shown.asOf)) return current;
  if (shown && current.status === 'ready' && sameValues(shown, next) && sameValues(shown.previous, next.previous)) {
    return shown.asOf === next.asOf ? current : { ...current, data: { ...shown, asOf: next.asOf } };
  }
  return { status: 'ready', data: next, error: null };
}

import type { Kpis, StaffRole } from '@/live/types';
import type { KpiCardModel } from '../types';
import { formatCount, formatMoneyCents, type FormatOptions } from './format-number';
import { toChange } from './to-change';

/**
 * The KPI cards a role may see, in display order. Revenue and products sold are admin-only: for
 * support they are left out entirely (and the server sends null for them anyway).
 */
export function toKpiCards(kpis: Kpis, role: StaffRole, opts: FormatOptions = {}): KpiCardModel[] {
  const cards: KpiCardModel[] = [];
  if (role === 'admin' && kpis.totalRevenueCents !== null) {
    cards.push({
      id: 'total-revenue',
      title: 'Total Revenue',
      value: kpis.totalRevenueCents,
      display: formatMoneyCents(kpis.totalRevenueCents, opts),
      change: toChange(kpis.totalRevenueCents, kpis.previous.totalRevenueCents, 'money', opts),
      comparedTo: 'vs previous 30 days',
    });
  }
  cards.push({
    id: 'active-repairs',
    title: 'Active Repairs',
    value: kpis.activeRepairs,
    display: formatCount(kpis.activeRepairs, opts),
    change: toChange(kpis.activeRepairs, kpis.previous.activeRepairs, 'count', opts),
    comparedTo: 'vs 24 h ago',
  });
  cards.push({
    id: 'new-tickets-24h',
    title: 'New Tickets (24 h)',
    value: kpis.newTickets24h,
    display: formatCount(kpis.newTickets24h, opts),
    change: toChange(kpis.newTickets24h, kpis.previous.newTickets24h, 'count', opts),
    comparedTo: 'vs the 24 h before',
  });
  if (role === 'admin' && kpis.productsSold !== null) {
    cards.push({
      id: 'products-sold',
      title: 'Products Sold',
      value: kpis.productsSold,
      display: formatCount(kpis.productsSold, opts),
      change: toChange(kpis.productsSold, kpis.previous.productsSold, 'count', opts),
      comparedTo: 'vs previous 30 days',
    });
  }
  return cards;
}

/** How many KPI cards a role sees; used to size the loading skeleton. */
export function kpiCountFor(role: StaffRole): number {
  return role === 'admin' ? 4 : 2;
}

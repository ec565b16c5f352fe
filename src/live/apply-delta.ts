import type { DashboardData, FeedState } from './dashboard-data';
import { prependNewer, replaceWindow } from './feed-window';
import { addRevenueIncrements, rollRevenueSeries } from './revenue-window';
import type { DashboardDelta, Kpis, Loadable } from './types';

/** A delta's KPIs are the figures at its commit: taken as they are, the old object kept when equal. */
function takeKpis(current: Loadable<Kpis>, next: Kpis): Loadable<Kpis> {
  const shown = current.data;
  if (shown && current.status === 'ready' && JSON.stringify({ ...shown, asOf: '' }) === JSON.stringify({ ...next, asOf: '' })) {
    return shown.asOf === next.asOf ? current : { ...current, data: { ...shown, asOf: next.asOf } };
  }
  return { status: 'ready', data: next, error: null };
}

/**
 * Pure: the held state after a delta the ledger said to apply (its from_cursor is the held cursor,
 * or it has no rows at the held cursor). Null when its revenue cannot be placed (→ sync instead).
 */
export function applyDelta(state: DashboardData, d: DashboardDelta, cap: number, now: number): DashboardData | null {
  // rows were left out and none came (the newest alone is too big for a message): a sync shows them
  if (d.cursor > d.fromCursor && !d.feedComplete && d.feed.items.length === 0) return null;
  let revenue = state.revenue;
  if (d.revenue !== null && d.revenue.some((r) => r.revenueCents !== 0 || r.ordersCount !== 0)) {
    if (revenue.status !== 'ready' || revenue.data === null) return null; // loading a range, or failed: the sync brings it
    const added = addRevenueIncrements(rollRevenueSeries(revenue.data, revenue.range, now), revenue.range, d.revenue);
    if (added === null) return null;
    revenue = { ...revenue, data: added };
  }
  let feed: FeedState = state.feed;
  if (d.cursor > d.fromCursor) {
    const window = d.feedComplete
      ? prependNewer(state.feed, d.feed.items, cap)
      : replaceWindow(state.feed, d.feed.items, true, cap);
    feed = { ...window, status: 'ready', error: null, loadingOlder: d.feedComplete ? state.feed.loadingOlder : false };
  }
  return {
    ...state,
    kpis: takeKpis(state.kpis, d.kpis),
    revenue,
    ticketStatus: { status: 'ready', data: d.ticketStatus, error: null },
    ticketAging: d.ticketAging ?? state.ticketAging,
    feed,
    cursor: d.cursor,
  };
}

// What the database says a dashboard must show, and whether a dashboard shows it.
import { liveApi } from '../../src/app/live-api.ts';
import type { AppSupabaseClient } from '../../src/lib/supabase.ts';
import { revenueWindow, viewerTimeZone } from '../../src/live/revenue-window.ts';
import type { DashboardView } from './dashboards.ts';

export interface Truth extends DashboardView {
  cursor: number;
}

/** One dashboard_sync from scratch as the checker's staff user (the engine's own parser reads it). */
export async function readTruth(checker: AppSupabaseClient): Promise<Truth> {
  const window = revenueWindow('7d', Date.now());
  const s = await liveApi.syncDashboard(checker, { after: null, epoch: null, limit: 100, revenueFrom: window.from, bucket: window.bucket, tz: viewerTimeZone() });
  const k = s.kpis;
  return {
    cursor: s.cursor,
    kpis: { totalRevenueCents: k.totalRevenueCents, productsSold: k.productsSold, ordersCount: k.ordersCount, activeRepairs: k.activeRepairs, newTickets24h: k.newTickets24h },
    feedIds: s.feed.items.map((i) => i.id),
    revenue: s.revenue,
    ticketStatus: s.ticketStatus,
  };
}

/** null when the view equals the truth, else what differs first. `feedRows`: how many newest rows the dashboard holds. */
export function differs(view: DashboardView, truth: Truth, feedRows: number): string | null {
  if (!view.kpis || !truth.kpis) return 'no KPIs';
  for (const key of Object.keys(truth.kpis) as (keyof typeof truth.kpis)[]) {
    if (view.kpis[key] !== truth.kpis[key]) return `kpi ${key}: ${view.kpis[key]} ≠ ${truth.kpis[key]}`;
  }
  const n = Math.min(feedRows, truth.feedIds.length);
  for (let i = 0; i < n; i++) if (view.feedIds[i] !== truth.feedIds[i]) return `feed[${i}]: ${view.feedIds[i]} ≠ ${truth.feedIds[i]}`;
  if (truth.revenue) {
    const held = new Map((view.revenue ?? []).map((p) => [Date.parse(p.bucketStart), p]));
    for (const p of truth.revenue) {
      const h = held.get(Date.parse(p.bucketStart));
      if ((h?.revenueCents ?? 0) !== p.revenueCents || (h?.ordersCount ?? 0) !== p.ordersCount) return `revenue ${p.bucketStart}: ${h?.revenueCents} ≠ ${p.revenueCents}`;
    }
  }
  if (view.ticketStatus && truth.ticketStatus) {
    const held = new Map(view.ticketStatus.map((t) => [t.status, t.count]));
    for (const t of truth.ticketStatus) if ((held.get(t.status) ?? 0) !== t.count) return `ticket status ${t.status}: ${held.get(t.status)} ≠ ${t.count}`;
  }
  return null;
}

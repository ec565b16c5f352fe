import type { SupabaseClient } from '@supabase/supabase-js';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { shown } from './tab-probes';

/** The KPIs and latest feed the RPCs return now, read through supabase-js as that staff member. */
export async function databaseView(reader: SupabaseClient, feedLength: number) {
  const kpis = await reader.rpc('dashboard_kpis');
  if (kpis.error) throw kpis.error;
  const k = kpis.data as Record<string, number | null>;
  const feed = await reader.rpc('activity_feed', { p_limit: feedLength });
  if (feed.error) throw feed.error;
  const all: Record<string, number | null> = {
    'total-revenue': k.total_revenue_cents ?? null,
    'active-repairs': k.active_repairs ?? null,
    'new-tickets-24h': k.new_tickets_24h ?? null,
    'products-sold': k.products_sold ?? null,
  };
  return { kpis: all, feed: (feed.data as Array<{ id: number | string }>).map((r) => Number(r.id)) };
}

/** Every page shows exactly the KPIs it renders and the feed the database has (polled while changes settle). */
export async function expectPagesEqualDatabase(pages: Page[], reader: SupabaseClient, timeout = 30_000) {
  await expect
    .poll(
      async () => {
        const views = await Promise.all(pages.map(shown));
        const db = await databaseView(reader, views[0]!.feed.length || 20);
        const bad = views
          .map((v, i) => ({ i, v }))
          .filter(({ v }) => {
            const kpis = Object.fromEntries(Object.keys(v.kpis).map((key) => [key, db.kpis[key] ?? null]));
            return JSON.stringify(v.kpis) !== JSON.stringify(kpis) || JSON.stringify(v.feed) !== JSON.stringify(db.feed);
          });
        return bad.length === 0 ? 'equal' : JSON.stringify({ db, bad });
      },
      { timeout, interval: 500 },
    )
    .toBe('equal');
}

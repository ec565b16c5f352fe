// The naive baseline for bench/live-tabs.ts: what a generic live data provider does, with the
// dashboard's own cards and data functions so that rendering costs the same. Every tab signs in,
// subscribes to the four tables on its own socket, and re-reads every query on every event (each
// query refetched and rendered on its own, no coalescing, no cursor, nothing shared between tabs).
// Open with ?url=<stack url>&key=<anon key>.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';
import { getActivityFeed } from '@/features/activity/api/get-activity-feed';
import { LatestActivity } from '@/features/activity/components/latest-activity';
import type { FeedState } from '@/features/activity/types';
import { parseKpis } from '@/features/metrics/api/get-kpis';
import { getRevenueSeries } from '@/features/metrics/api/get-revenue-series';
import { parseTicketAging } from '@/features/metrics/api/parse-ticket-aging';
import { KpiGrid } from '@/features/metrics/components/kpi-grid';
import { RevenueCard } from '@/features/metrics/components/revenue-card';
import { TicketAgingCard } from '@/features/metrics/components/ticket-aging-card';
import type { TicketAgingSummary } from '@/features/metrics/types';
import { createSupabaseClient } from '@/lib/supabase';
import { revenueWindow } from '@/live/revenue-window';
import type { Kpis, Loadable, RevenuePoint } from '@/live/types';
import '@/styles/index.css';

const params = new URLSearchParams(location.search);
const client = createSupabaseClient(params.get('url') ?? '', params.get('key') ?? '');
const TABLES = ['tickets', 'orders', 'customers', 'products'];

const loading = <T,>(): Loadable<T> => ({ status: 'loading', data: null, error: null });
const ready = <T,>(data: T): Loadable<T> => ({ status: 'ready', data, error: null });

function useNaiveLive() {
  const [kpis, setKpis] = useState(loading<Kpis>);
  const [revenue, setRevenue] = useState(loading<RevenuePoint[]>);
  const [ticketAging, setTicketAging] = useState(loading<TicketAgingSummary>);
  const [loadedAt, setLoadedAt] = useState(0);
  const [feed, setFeed] = useState<FeedState>({ items: [], status: 'loading', error: null, hasMore: false, loadingOlder: false });

  useEffect(() => {
    const refetchAll = () => {
      void client.rpc('dashboard_kpis').then(({ data, error }) => !error && setKpis(ready(parseKpis(data).kpis)), () => undefined);
      void getRevenueSeries(client, revenueWindow('7d', Date.now())).then((p) => setRevenue(ready(p)), () => undefined);
      void client.rpc('ticket_aging').then(({ data, error }) => {
        if (error) return;
        setTicketAging(ready(parseTicketAging(data)));
        setLoadedAt(Date.now());
      }, () => undefined);
      void getActivityFeed(client, { limit: 20 }).then(
        (page) => setFeed({ items: page.items, status: 'ready', error: null, hasMore: false, loadingOlder: false }),
        () => undefined,
      );
    };
    let ready_ = 0;
    void (async () => {
      const { data } = await client.auth.getSession();
      if (!data.session) await client.auth.signInWithPassword({ email: 'admin@example.com', password: 'password123' });
      for (const table of TABLES) {
        client
          .channel(`naive-${table}`)
          .on('postgres_changes', { event: '*', schema: 'public', table }, refetchAll)
          .subscribe((status) => {
            if (status === 'SUBSCRIBED' && ++ready_ === TABLES.length) document.body.dataset.live = 'true';
          });
      }
      refetchAll();
    })();
  }, []);
  return { kpis, revenue, ticketAging, loadedAt, feed };
}

function NaiveOverview() {
  const { kpis, revenue, ticketAging, loadedAt, feed } = useNaiveLive();
  const none = () => undefined;
  return (
    <main className="page">
      <KpiGrid kpis={kpis} role="admin" onRetry={none} />
      <div className="grid-charts">
        <RevenueCard revenue={revenue} range="7d" dataRange="7d" onRangeChange={none} onRetry={none} />
        <TicketAgingCard ticketAging={ticketAging} now={loadedAt} onRetry={none} />
      </div>
      <LatestActivity feed={feed} onRetry={none} />
    </main>
  );
}

createRoot(document.getElementById('app')!).render(
  <MemoryRouter>
    <NaiveOverview />
  </MemoryRouter>,
);

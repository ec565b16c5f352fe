// The naive baseline for bench/live-tabs.ts: what a generic live data provider does. Every tab
// signs in, opens its own realtime subscription to the four tables, and re-reads every RPC on
// every event (no coalescing, no cursor, no sharing between tabs). It renders the KPIs with the
// dashboard's data-testids so the bench reads both the same way.
// Open with ?url=<stack url>&key=<anon key>.
import { createClient } from '@supabase/supabase-js';

const params = new URLSearchParams(location.search);
const client = createClient(params.get('url') ?? '', params.get('key') ?? '');
const app = document.getElementById('app')!;
const TABLES = ['tickets', 'orders', 'customers', 'products'];

interface Kpis {
  total_revenue_cents: number | null;
  active_repairs: number;
  new_tickets_24h: number;
  products_sold: number | null;
}

async function readAll() {
  const to = new Date();
  const from = new Date(to.getTime() - 7 * 86_400_000);
  const [kpis, feed, revenue, status] = await Promise.all([
    client.rpc('dashboard_kpis'),
    client.rpc('activity_feed', { p_limit: 20 }),
    client.rpc('revenue_series', { p_from: from.toISOString(), p_to: to.toISOString(), p_bucket: 'day', p_tz: 'UTC' }),
    client.rpc('ticket_status_breakdown'),
  ]);
  if (kpis.error || feed.error || revenue.error || status.error) return;
  render(kpis.data as Kpis, feed.data as Array<{ id: number }>);
}

function render(k: Kpis, feed: Array<{ id: number }>) {
  const card = (id: string, v: number | null) => `<article data-testid="kpi-${id}" data-value="${v ?? ''}">${id}: ${v ?? '—'}</article>`;
  app.innerHTML = [
    card('total-revenue', k.total_revenue_cents),
    card('active-repairs', k.active_repairs),
    card('new-tickets-24h', k.new_tickets_24h),
    card('products-sold', k.products_sold),
    `<ol>${feed.map((r) => `<li data-testid="activity-item" data-activity-id="${r.id}"></li>`).join('')}</ol>`,
  ].join('');
}

async function main() {
  const { data } = await client.auth.getSession();
  if (!data.session) {
    const { error } = await client.auth.signInWithPassword({ email: 'admin@example.com', password: 'password123' });
    if (error) throw error;
  }
  let ready = 0;
  for (const table of TABLES) {
    client
      .channel(`naive-${table}`)
      .on('postgres_changes', { event: '*', schema: 'public', table }, () => void readAll())
      .subscribe((status) => {
        if (status === 'SUBSCRIBED' && ++ready === TABLES.length) document.body.dataset.live = 'true';
      });
  }
  await readAll();
}

void main();

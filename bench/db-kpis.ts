// Times the dashboard's database reads as the dashboard makes them (role authenticated + JWT
// claims, as PostgREST does), next to the obvious full-scan queries they replace.
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-kpis.ts [iterations] [--json out.json]
// Prints mean, median and p95 in ms per query. Expects a bench fill and the seed's staff logins.
import { writeFileSync } from 'node:fs';
import pg from 'pg';

const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const SUPPORT = 'a0000000-0000-4000-8000-000000000002';

interface Case {
  name: string;
  as: string | null; // staff user id, or null for postgres without RLS
  sql: string;
}

// Arguments that depend on the data (cursors, epoch) are read once before timing: {admin_cursor},
// {support_cursor} and {epoch} in the SQL are replaced by them.
const cases: Case[] = [
  { name: 'dashboard_sync() cold, admin', as: ADMIN, sql: 'select public.dashboard_sync()' },
  { name: 'dashboard_sync() cold, support', as: SUPPORT, sql: 'select public.dashboard_sync()' },
  {
    name: 'dashboard_sync 50 behind, admin',
    as: ADMIN,
    sql: "select public.dashboard_sync(p_after => {admin_cursor} - 50, p_epoch => '{epoch}')",
  },
  {
    name: 'dashboard_sync 50 behind, support',
    as: SUPPORT,
    sql: "select public.dashboard_sync(p_after => {support_cursor} - 50, p_epoch => '{epoch}')",
  },
  {
    name: 'dashboard_sync + 30 d revenue, admin',
    as: ADMIN,
    sql: "select public.dashboard_sync(p_after => {admin_cursor} - 50, p_revenue_from => now() - interval '30 days')",
  },
  { name: 'dashboard_kpis() admin', as: ADMIN, sql: 'select public.dashboard_kpis()' },
  { name: 'dashboard_kpis() support', as: SUPPORT, sql: 'select public.dashboard_kpis()' },
  { name: 'ticket_status_breakdown()', as: ADMIN, sql: 'select * from public.ticket_status_breakdown()' },
  { name: 'ticket_aging()', as: SUPPORT, sql: 'select public.ticket_aging()' },
  { name: 'activity_feed(50) admin', as: ADMIN, sql: 'select * from public.activity_feed(50)' },
  { name: 'activity_feed(50) support', as: SUPPORT, sql: 'select * from public.activity_feed(50)' },
  {
    name: 'activity_feed catch-up p_after',
    as: ADMIN,
    sql: 'select * from public.activity_feed(50, p_after => {admin_cursor} - 20)',
  },
  {
    name: 'revenue_series 90 days by day',
    as: ADMIN,
    sql: "select * from public.revenue_series(now() - interval '90 days', now(), 'day')",
  },
  {
    name: 'revenue_series 24 h by hour',
    as: ADMIN,
    sql: "select * from public.revenue_series(now() - interval '24 hours', now(), 'hour')",
  },
  {
    name: 'top_products 30 days',
    as: ADMIN,
    sql: "select * from public.top_products(now() - interval '30 days', now())",
  },
  {
    name: 'full scan: KPIs from orders x items',
    as: null,
    sql: `select p.period, sum(i.quantity::bigint * i.unit_price_cents) as revenue, sum(i.quantity) as sold,
                 count(distinct o.id) as orders
            from public.orders o
            join public.order_items i on i.order_id = o.id
            cross join lateral (select case when o.created_at >= now() - interval '30 days' then 'current'
                                            else 'previous' end as period) p
           where o.status = 'paid' and o.created_at >= now() - interval '60 days' and o.created_at < now()
           group by p.period`,
  },
  {
    name: 'full scan: active repairs now + 24 h ago',
    as: null,
    sql: `select count(*) filter (where status not in ('closed', 'cancelled')) as now,
                 count(*) filter (where created_at <= now() - interval '24 hours'
                                    and (closed_at is null or closed_at > now() - interval '24 hours')) as day_ago
            from public.tickets`,
  },
  {
    name: 'full scan: tickets grouped by status',
    as: null,
    sql: 'select status, count(*) from public.tickets group by status',
  },
  {
    name: 'full scan: feed as union of tables',
    as: null,
    sql: `select * from (
            select 'order' as type, id, created_at from public.orders
            union all select 'ticket', id, created_at from public.tickets
            union all select 'customer', id, created_at from public.customers
          ) a order by created_at desc limit 50`,
  },
];

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

async function timeCase(client: pg.Client, c: Case, sql: string, iterations: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < iterations + 3; n += 1) {
    await client.query('begin');
    if (c.as) {
      await client.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
        JSON.stringify({ sub: c.as, role: 'authenticated', aud: 'authenticated' }),
      ]);
    }
    const start = process.hrtime.bigint();
    await client.query(sql);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await client.query('rollback');
    if (n >= 3) times.push(ms); // the first calls warm caches and plans
  }
  return times.sort((a, b) => a - b);
}

export interface Timing {
  name: string;
  mean: number;
  median: number;
  p95: number;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const iterations = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 50);
  const jsonAt = process.argv.indexOf('--json');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{
    orders: string;
    tickets: string;
    active: string;
    activity: string;
    version: string;
    admin_cursor: string;
    support_cursor: string;
    epoch: string;
  }>(
    `select (select count(*) from public.orders) as orders, (select count(*) from public.tickets) as tickets,
            (select count(*) from public.tickets where status not in ('closed', 'cancelled')) as active,
            (select count(*) from public.activity_log) as activity, current_setting('server_version') as version,
            (select max(id) from public.activity_log) as admin_cursor,
            (select max(id) from public.activity_log where entity_type <> 'order') as support_cursor,
            (select epoch from private.activity_epoch) as epoch`,
  );
  const info = rows[0];
  if (!info) throw new Error('no answer');
  console.log(
    `PostgreSQL ${info.version}: ${info.orders} orders, ${info.tickets} tickets (${info.active} active), ` +
      `${info.activity} activity rows; ${iterations} calls each`,
  );
  console.log(`${'query'.padEnd(42)} ${'mean ms'.padStart(9)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(9)}`);
  const results: Timing[] = [];
  for (const c of cases) {
    const sql = c.sql
      .replaceAll('{admin_cursor}', info.admin_cursor)
      .replaceAll('{support_cursor}', info.support_cursor)
      .replaceAll('{epoch}', info.epoch);
    const times = await timeCase(client, c, sql, c.as === null ? Math.min(iterations, 10) : iterations);
    const t: Timing = {
      name: c.name,
      mean: times.reduce((a, b) => a + b, 0) / times.length,
      median: percentile(times, 50),
      p95: percentile(times, 95),
    };
    results.push(t);
    console.log(
      `${c.name.padEnd(42)} ${t.mean.toFixed(2).padStart(9)} ${t.median.toFixed(2).padStart(10)} ${t.p95.toFixed(2).padStart(9)}`,
    );
  }
  await client.end();
  const out = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
  if (out) writeFileSync(out, JSON.stringify({ info, results }, null, 2));
}

await main();

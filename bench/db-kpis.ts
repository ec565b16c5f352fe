// Times the dashboard's database reads as the dashboard makes them (role authenticated + JWT
// claims, as PostgREST does), next to the obvious full-scan queries they replace.
// Usage: DATABASE_URL=postgres://... npx tsx bench/db-kpis.ts [iterations]
// Prints median and p95 in ms per query. Expects bench/fill-large.sql and the seed's staff logins.
import pg from 'pg';

const ADMIN = 'a0000000-0000-4000-8000-000000000001';
const SUPPORT = 'a0000000-0000-4000-8000-000000000002';

interface Case {
  name: string;
  as: string | null; // staff user id, or null for postgres without RLS
  sql: string;
}

const cases: Case[] = [
  { name: 'dashboard_kpis() admin', as: ADMIN, sql: 'select public.dashboard_kpis()' },
  { name: 'dashboard_kpis() support', as: SUPPORT, sql: 'select public.dashboard_kpis()' },
  { name: 'activity_feed(50) admin', as: ADMIN, sql: 'select * from public.activity_feed(50)' },
  { name: 'activity_feed(50) support', as: SUPPORT, sql: 'select * from public.activity_feed(50)' },
  {
    name: 'activity_feed catch-up p_after',
    as: ADMIN,
    sql: 'select * from public.activity_feed(50, p_after => (select max(id) - 20 from public.activity_log))',
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
  { name: 'ticket_status_breakdown()', as: ADMIN, sql: 'select * from public.ticket_status_breakdown()' },
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

async function timeCase(client: pg.Client, c: Case, iterations: number): Promise<number[]> {
  const times: number[] = [];
  for (let n = 0; n < iterations + 3; n += 1) {
    await client.query('begin');
    if (c.as) {
      await client.query("select set_config('request.jwt.claims', $1, true), set_config('role', 'authenticated', true)", [
        JSON.stringify({ sub: c.as, role: 'authenticated', aud: 'authenticated' }),
      ]);
    }
    const start = process.hrtime.bigint();
    await client.query(c.sql);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    await client.query('rollback');
    if (n >= 3) times.push(ms); // the first calls warm caches and plans
  }
  return times.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const iterations = Number(process.argv[2] ?? 50);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ orders: string; activity: string; version: string }>(
    `select (select count(*) from public.orders) as orders, (select count(*) from public.activity_log) as activity,
            current_setting('server_version') as version`,
  );
  const info = rows[0];
  console.log(
    `PostgreSQL ${info?.version}: ${info?.orders} orders, ${info?.activity} activity rows; ${iterations} calls each`,
  );
  console.log(`${'query'.padEnd(40)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(10)}`);
  for (const c of cases) {
    const times = await timeCase(client, c, c.as === null ? Math.min(iterations, 10) : iterations);
    console.log(
      `${c.name.padEnd(40)} ${percentile(times, 50).toFixed(2).padStart(10)} ${percentile(times, 95).toFixed(2).padStart(10)}`,
    );
  }
  await client.end();
}

await main();

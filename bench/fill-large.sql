-- Large data set for benchmarks: 200,000 customers, 5,000 products, 1,000,000 orders over the
-- last 365 days (~2.5 M items), 300,000 tickets, their activity log and the sales rollup.
-- Set-based; row triggers are switched off (session_replication_role = replica, superuser) and
-- everything they would derive (totals, rollup, ticket counters, activity, closed_at) is computed
-- here instead. The "kind" fill: few open tickets, each closed two days after it was opened.
-- Replaces the shop data; keeps auth.users and profiles (run it after seed.sql for the logins).
\set ON_ERROR_STOP on
\timing on

begin;
set local session_replication_role = replica;
set local work_mem = '256MB';
set local maintenance_work_mem = '1GB';

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly, private.activity_pending, private.activity_flush_requests,
  private.ticket_counts, private.ticket_moments, private.ticket_hourly,
  private.delta_window_cache, private.delta_hour_adjust, private.delta_hour_pending;
-- TRUNCATE triggers do not fire here either: a new log, a new epoch (and, above, no cached
-- delta ranges of the counters rewritten here).
update private.activity_epoch set epoch = gen_random_uuid()::text, started_at = now();

insert into public.customers (id, full_name, email, phone, created_at, updated_at)
select md5('c' || i)::uuid, 'Customer ' || i, 'customer' || i || '@example.com', null,
       now() - interval '730 days' + (i * interval '5 minutes'), now() - interval '730 days' + (i * interval '5 minutes')
  from generate_series(1, 200000) i;

-- price(p) = 500 + (p * 7919) % 20000 cents, used again below without a join.
insert into public.products (id, sku, name, price_cents, stock, active, created_at, updated_at)
select md5('p' || p)::uuid, 'BENCH-' || p, 'Product ' || p, 500 + (p * 7919) % 20000, (p * 31) % 500, true,
       now() - interval '800 days', now() - interval '800 days'
  from generate_series(1, 5000) p;

-- Order i has 1 + i % 4 lines; line j is product 1 + (i * 37 + j * 101) % 5000, quantity 1 + (i + j) % 3.
create temporary table bench_orders on commit drop as
select i,
       md5('o' || i)::uuid as id,
       md5('c' || (1 + (i * 7) % 200000))::uuid as customer_id,
       now() - (i::double precision / 1000000) * interval '365 days' as created_at,
       case when i % 20 < 16 then 'paid' when i % 20 < 18 then 'pending' when i % 20 = 18 then 'cancelled'
            else 'refunded' end as status
  from generate_series(1, 1000000) i;

insert into public.orders (id, number, customer_id, status, total_cents, item_count, created_at, updated_at)
select o.id, 5000 + o.i, o.customer_id, o.status, t.total_cents, t.item_count, o.created_at, o.created_at
  from bench_orders o
  cross join lateral (
    select sum((1 + (o.i + j) % 3) * (500 + ((1 + (o.i * 37 + j * 101) % 5000) * 7919) % 20000))::bigint as total_cents,
           sum(1 + (o.i + j) % 3)::int as item_count
      from generate_series(1, 1 + (o.i % 4)::int) j
  ) t;
select setval('public.orders_number_seq', 5000 + 1000000);

insert into public.order_items (order_id, product_id, quantity, unit_price_cents, created_at)
select o.id, md5('p' || (1 + (o.i * 37 + j * 101) % 5000))::uuid, 1 + (o.i + j) % 3,
       500 + ((1 + (o.i * 37 + j * 101) % 5000) * 7919) % 20000, o.created_at
  from bench_orders o
  cross join lateral generate_series(1, 1 + (o.i % 4)::int) j;

-- Tickets: older than 5 days are closed (10 % cancelled); recent ones spread over the open states.
insert into public.tickets (id, number, customer_id, device, issue, status, priority, closed_at, created_at, updated_at)
select md5('t' || i)::uuid, 1000 + i, md5('c' || (1 + (i * 13) % 200000))::uuid,
       'Device ' || (i % 50), 'Issue ' || (i % 40), s.status,
       (array['low', 'normal', 'high', 'urgent'])[1 + i % 4],
       case when s.status in ('closed', 'cancelled') then s.created_at + interval '2 days' end,
       s.created_at, s.created_at
  from generate_series(1, 300000) i
  cross join lateral (
    select now() - (i::double precision / 300000) * interval '365 days' as created_at
  ) c
  cross join lateral (
    select c.created_at,
           case when c.created_at < now() - interval '5 days'
                then case when i % 10 = 0 then 'cancelled' else 'closed' end
                else (array['open', 'in_progress', 'waiting_parts', 'ready'])[1 + i % 4] end as status
  ) s;
select setval('public.tickets_number_seq', 1000 + 300000);

-- The ticket counters, as the triggers would have kept them.
select private.count_ticket_changes(
  (select array_agg(row(null, null, null, null, t.status, t.priority, t.created_at, t.closed_at)::private.ticket_change)
     from public.tickets t));

insert into public.sales_hourly (bucket, revenue_cents, orders_count, items_sold)
select date_trunc('hour', created_at, 'UTC'), sum(total_cents), count(*), sum(item_count)
  from public.orders where status = 'paid'
 group by 1;

-- Activity: one creation row per order, ticket and customer, numbered by time.
insert into public.activity_log (id, kind, entity_type, entity_id, occurred_at, summary)
select row_number() over (order by a.occurred_at), a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
  from (
    select 'order_placed' as kind, 'order' as entity_type, o.id as entity_id, o.created_at as occurred_at,
           jsonb_build_object('order_number', o.number, 'customer_name', 'Customer', 'total_cents', o.total_cents,
                              'item_count', o.item_count, 'status', o.status) as summary
      from public.orders o
    union all
    select 'ticket_created', 'ticket', t.id, t.created_at,
           jsonb_build_object('ticket_number', t.number, 'customer_name', 'Customer', 'device', t.device,
                              'issue', t.issue, 'status', t.status, 'priority', t.priority)
      from public.tickets t
    union all
    select 'customer_registered', 'customer', c.id, c.created_at,
           jsonb_build_object('customer_name', c.full_name, 'email', c.email)
      from public.customers c
  ) a;
select setval('private.activity_log_id_seq', (select max(id) from public.activity_log));

commit;

vacuum analyze public.customers, public.products, public.orders, public.order_items, public.tickets,
  public.activity_log, public.sales_hourly, private.ticket_counts, private.ticket_moments, private.ticket_hourly;

select (select count(*) from public.orders) as orders, (select count(*) from public.order_items) as items,
       (select count(*) from public.tickets) as tickets, (select count(*) from public.customers) as customers,
       (select count(*) from public.products) as products, (select count(*) from public.activity_log) as activity;

-- Each RPC's numbers on a small known data set (the seed is cleared inside this transaction).
begin;
select plan(38);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b3000000-0000-4000-8000-000000000001', 'rpc.admin@example.com', 'authenticated', 'authenticated'),
  ('b3000000-0000-4000-8000-000000000002', 'rpc.support@example.com', 'authenticated', 'authenticated'),
  ('b3000000-0000-4000-8000-000000000003', 'rpc.customer@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b3000000-0000-4000-8000-000000000001', 'Rita Admin', 'admin'),
  ('b3000000-0000-4000-8000-000000000002', 'Sid Support', 'support');

insert into public.customers (id, full_name, email) values
  ('c3000000-0000-4000-8000-000000000001', 'Ada Buyer', 'ada@example.com'),
  ('c3000000-0000-4000-8000-000000000002', 'Bo Buyer', 'bo@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d3000000-0000-4000-8000-000000000001', 'RPC-ONE', 'Cable', 1000),
  ('d3000000-0000-4000-8000-000000000002', 'RPC-TWO', 'Screen', 2500);

-- Orders: paid ones count, at their created_at; O6 sits in the current, partial hour.
insert into public.orders (id, customer_id, status, created_at) values
  ('e3000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 'paid', now() - interval '1 day'),
  ('e3000000-0000-4000-8000-000000000002', 'c3000000-0000-4000-8000-000000000002', 'paid', now() - interval '2 days'),
  ('e3000000-0000-4000-8000-000000000003', 'c3000000-0000-4000-8000-000000000001', 'pending', now() - interval '1 day'),
  ('e3000000-0000-4000-8000-000000000004', 'c3000000-0000-4000-8000-000000000002', 'paid', now() - interval '40 days'),
  ('e3000000-0000-4000-8000-000000000005', 'c3000000-0000-4000-8000-000000000001', 'refunded', now() - interval '3 days'),
  ('e3000000-0000-4000-8000-000000000006', 'c3000000-0000-4000-8000-000000000002', 'paid', now() - interval '10 minutes'),
  ('e3000000-0000-4000-8000-000000000007', 'c3000000-0000-4000-8000-000000000001', 'paid', '2001-01-01 10:30+00'),
  ('e3000000-0000-4000-8000-000000000008', 'c3000000-0000-4000-8000-000000000002', 'paid', '2001-01-03 23:30+00'),
  ('e3000000-0000-4000-8000-000000000009', 'c3000000-0000-4000-8000-000000000001', 'pending', '2001-01-02 12:00+00');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e3000000-0000-4000-8000-000000000001', 'd3000000-0000-4000-8000-000000000001', 2, 1000),
  ('e3000000-0000-4000-8000-000000000002', 'd3000000-0000-4000-8000-000000000002', 1, 2500),
  ('e3000000-0000-4000-8000-000000000002', 'd3000000-0000-4000-8000-000000000001', 1, 1000),
  ('e3000000-0000-4000-8000-000000000003', 'd3000000-0000-4000-8000-000000000002', 1, 2500),
  ('e3000000-0000-4000-8000-000000000004', 'd3000000-0000-4000-8000-000000000001', 4, 1000),
  ('e3000000-0000-4000-8000-000000000005', 'd3000000-0000-4000-8000-000000000002', 1, 2500),
  ('e3000000-0000-4000-8000-000000000006', 'd3000000-0000-4000-8000-000000000001', 1, 1000),
  ('e3000000-0000-4000-8000-000000000007', 'd3000000-0000-4000-8000-000000000002', 1, 2500),
  ('e3000000-0000-4000-8000-000000000008', 'd3000000-0000-4000-8000-000000000001', 1, 1000),
  ('e3000000-0000-4000-8000-000000000009', 'd3000000-0000-4000-8000-000000000002', 1, 2500);

-- Tickets: T1, T2, T5 active now; T2 and T3 were active 24 h ago.
insert into public.tickets (customer_id, device, issue, status, created_at, closed_at) values
  ('c3000000-0000-4000-8000-000000000001', 'Phone', 'T1', 'open', now() - interval '2 hours', null),
  ('c3000000-0000-4000-8000-000000000002', 'Phone', 'T2', 'in_progress', now() - interval '30 hours', null),
  ('c3000000-0000-4000-8000-000000000001', 'Phone', 'T3', 'closed', now() - interval '5 days', now() - interval '3 hours'),
  ('c3000000-0000-4000-8000-000000000002', 'Phone', 'T4', 'cancelled', now() - interval '10 days', now() - interval '9 days'),
  ('c3000000-0000-4000-8000-000000000001', 'Phone', 'T5', 'ready', now() - interval '20 hours', null);

set constraints all immediate;  -- number the activity rows as a commit would

-- As admin ---------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b3000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

-- 1-4 dashboard_kpis, default 30 days
select is(dashboard_kpis() - 'as_of' - 'cursor' - 'previous',
  '{"total_revenue_cents": 6500, "products_sold": 5, "orders_count": 3, "active_repairs": 3,
    "new_tickets_24h": 2, "role": "admin"}'::jsonb,
  'admin KPIs: paid orders of the last 30 days, active repairs, tickets of the last 24 h');
select is(dashboard_kpis() -> 'previous',
  '{"total_revenue_cents": 4000, "products_sold": 4, "orders_count": 1, "new_tickets_24h": 1,
    "active_repairs": 2}'::jsonb,
  'previous: the 30 days before, tickets of the 24 h before, repairs active 24 h ago');
select is((dashboard_kpis() ->> 'cursor')::bigint, (select max(id) from public.activity_log),
  'cursor is the newest activity id');
select is((dashboard_kpis() ->> 'as_of')::timestamptz, now(), 'as_of is the server time');

-- 5-7 exact range edges (partial hours come from orders)
select is((dashboard_kpis(now() - interval '1 day' - interval '1 second', now()) ->> 'total_revenue_cents')::bigint,
  3000::bigint, 'a range starting just before an order includes it');
select is((dashboard_kpis(now() - interval '1 day' + interval '1 second', now()) ->> 'total_revenue_cents')::bigint,
  1000::bigint, 'a range starting just after an order excludes it');
select is((dashboard_kpis(now() - interval '5 minutes', now()) ->> 'orders_count')::int,
  0, 'a range inside one hour reads orders directly');

-- 8-10 revenue_series
select results_eq(
  $$select bucket_start, revenue_cents, orders_count
      from revenue_series('2001-01-01 00:00+00', '2001-01-04 00:00+00', 'day', 'UTC')$$,
  $$values ('2001-01-01 00:00+00'::timestamptz, 2500::bigint, 1),
           ('2001-01-02 00:00+00'::timestamptz, 0::bigint, 0),
           ('2001-01-03 00:00+00'::timestamptz, 1000::bigint, 1)$$,
  'day buckets, empty days included, pending orders left out');
select results_eq(
  $$select bucket_start, revenue_cents, orders_count
      from revenue_series('2001-01-01 00:00+00', '2001-01-04 00:00+00', 'day', 'America/New_York')$$,
  $$values ('2000-12-31 05:00+00'::timestamptz, 0::bigint, 0),
           ('2001-01-01 05:00+00'::timestamptz, 2500::bigint, 1),
           ('2001-01-02 05:00+00'::timestamptz, 0::bigint, 0),
           ('2001-01-03 05:00+00'::timestamptz, 1000::bigint, 1)$$,
  'day buckets follow local midnight in p_tz');
select results_eq(
  $$select bucket_start, revenue_cents, orders_count
      from revenue_series('2001-01-01 09:00+00', '2001-01-01 12:00+00', 'hour')$$,
  $$values ('2001-01-01 09:00+00'::timestamptz, 0::bigint, 0),
           ('2001-01-01 10:00+00'::timestamptz, 2500::bigint, 1),
           ('2001-01-01 11:00+00'::timestamptz, 0::bigint, 0)$$,
  'hour buckets');

-- 11-14 revenue_series argument errors
select throws_ok($$select * from revenue_series(now() - interval '1 day', now(), 'week')$$,
  '22023', null, 'an unknown bucket is refused');
select throws_ok($$select * from revenue_series(now(), now() - interval '1 day')$$,
  '22023', null, 'p_from after p_to is refused');
select throws_ok($$select * from revenue_series(now() - interval '100 days', now(), 'hour')$$,
  '22023', null, 'more than 2200 buckets is refused');
select throws_ok($$select * from revenue_series(now() - interval '1 day', now(), 'day', 'Mars/Olympus')$$,
  '22023', null, 'an unknown time zone is refused');

-- 15 ticket_status_breakdown
select results_eq(
  $$select status, count from ticket_status_breakdown()$$,
  $$values ('open', 1), ('in_progress', 1), ('waiting_parts', 0), ('ready', 1), ('closed', 1), ('cancelled', 1)$$,
  'every status in workflow order, zeros included');

-- 16-17 top_products
select results_eq(
  $$select name, sku, quantity, revenue_cents from top_products(now() - interval '30 days', now())$$,
  $$values ('Cable', 'RPC-ONE', 4, 4000::bigint), ('Screen', 'RPC-TWO', 1, 2500::bigint)$$,
  'top products of paid orders by revenue');
select results_eq(
  $$select sku from top_products(now() - interval '30 days', now(), 1)$$,
  $$values ('RPC-ONE')$$, 'p_limit limits');

-- 18-25 activity_feed
select is((select count(*)::int from activity_feed(500)), 18,
  'admin sees every activity row (2 customers + 2 products + 9 orders + 5 tickets)');
select results_eq(
  $$select id from activity_feed(3)$$,
  $$select id from public.activity_log order by id desc limit 3$$, 'default: newest first');
select results_eq(
  $$select id from activity_feed(2, p_before => (select max(id) - 2 from public.activity_log))$$,
  $$select id from public.activity_log where id < (select max(id) - 2 from public.activity_log) order by id desc limit 2$$,
  'p_before pages back, newest first');
select results_eq(
  $$select id from activity_feed(50, p_after => (select max(id) - 3 from public.activity_log))$$,
  $$select id from public.activity_log where id > (select max(id) - 3 from public.activity_log) order by id$$,
  'p_after returns what came after the cursor, oldest first');
select is((select count(*)::int from activity_feed(50, p_after => (select max(id) from public.activity_log))), 0,
  'nothing after the newest id');
select throws_ok($$select * from activity_feed(0)$$, '22023', null, 'p_limit below 1 is refused');
select throws_ok($$select * from activity_feed(10, 1, 5)$$, '22023', null, 'p_after with p_before is refused');
select is(
  (select summary ->> 'customer_name' from activity_feed(50) where kind = 'order_placed' and entity_id = 'e3000000-0000-4000-8000-000000000006'),
  'Bo Buyer', 'feed rows carry their summary');

-- 26 current_staff
select is(current_staff(),
  '{"id": "b3000000-0000-4000-8000-000000000001", "email": "rpc.admin@example.com", "display_name": "Rita Admin",
    "role": "admin"}'::jsonb, 'current_staff describes the caller');

-- As support ------------------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b3000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
set local role authenticated;

-- 27-33
select is(dashboard_kpis() - 'as_of' - 'cursor' - 'previous',
  '{"total_revenue_cents": null, "products_sold": null, "orders_count": null, "active_repairs": 3,
    "new_tickets_24h": 2, "role": "support"}'::jsonb,
  'support KPIs: repairs yes, revenue, products sold and orders null');
select is((dashboard_kpis() ->> 'cursor')::bigint,
  (select max(id) from activity_feed(500)), 'support cursor is the newest id support may see');
select throws_ok($$select * from revenue_series(now() - interval '1 day', now())$$,
  '42501', 'revenue is available to admins only', 'support is refused the revenue series');
select throws_ok($$select * from top_products(now() - interval '1 day', now())$$,
  '42501', null, 'support is refused top products');
select is((select count(*)::int from activity_feed(500)), 9, 'support sees ticket, customer and product activity');
select is((select count(*)::int from activity_feed(500) where entity_type = 'order'), 0, 'support sees no order activity');
select is((select count(*)::int from ticket_status_breakdown()), 6, 'support gets the ticket breakdown');

-- As a signed-in user who is not staff -----------------------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b3000000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;

-- 34-38
select throws_ok($$select dashboard_kpis()$$, '42501', 'staff only', 'non-staff: dashboard_kpis refused');
select throws_ok($$select * from activity_feed()$$, '42501', 'staff only', 'non-staff: activity_feed refused');
select throws_ok($$select * from ticket_status_breakdown()$$, '42501', 'staff only', 'non-staff: breakdown refused');
select throws_ok($$select current_staff()$$, '42501', 'staff only', 'non-staff: current_staff refused');
select throws_ok($$select * from revenue_series(now() - interval '1 day', now())$$, '42501', 'staff only',
  'non-staff: revenue_series refused');

reset role;
select * from finish();
rollback;

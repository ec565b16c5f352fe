-- Row level security and grants for anon, a non-staff user, support, admin and service_role.
begin;
select plan(48);

insert into auth.users (id, email, aud, role) values
  ('b4000000-0000-4000-8000-000000000001', 'rls.admin@example.com', 'authenticated', 'authenticated'),
  ('b4000000-0000-4000-8000-000000000002', 'rls.support@example.com', 'authenticated', 'authenticated'),
  ('b4000000-0000-4000-8000-000000000003', 'rls.nobody@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b4000000-0000-4000-8000-000000000001', 'Ann Admin', 'admin'),
  ('b4000000-0000-4000-8000-000000000002', 'Stu Support', 'support');
insert into public.customers (id, full_name, email) values
  ('c4000000-0000-4000-8000-000000000001', 'Rae Ls', 'rae.ls@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d4000000-0000-4000-8000-000000000001', 'RLS-ONE', 'Case', 1500);
insert into public.orders (id, customer_id, status) values
  ('e4000000-0000-4000-8000-000000000001', 'c4000000-0000-4000-8000-000000000001', 'paid');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e4000000-0000-4000-8000-000000000001', 'd4000000-0000-4000-8000-000000000001', 1, 1500);
insert into public.tickets (customer_id, device, issue) values
  ('c4000000-0000-4000-8000-000000000001', 'Tablet', 'Dead battery');
set constraints all immediate;

-- anon ------------------------------------------------------------------------------------------
set local role anon;
-- 1-12
select throws_ok($$select count(*) from public.customers$$, '42501', null, 'anon cannot read customers');
select throws_ok($$select count(*) from public.tickets$$, '42501', null, 'anon cannot read tickets');
select throws_ok($$select count(*) from public.orders$$, '42501', null, 'anon cannot read orders');
select throws_ok($$select count(*) from public.activity_log$$, '42501', null, 'anon cannot read the activity log');
select throws_ok($$select dashboard_kpis()$$, '42501', null, 'anon cannot call dashboard_kpis');
select throws_ok($$select * from activity_feed()$$, '42501', null, 'anon cannot call activity_feed');
select throws_ok($$select * from revenue_series(now() - interval '1 day', now())$$, '42501', null,
  'anon cannot call revenue_series');
select throws_ok($$select * from ticket_status_breakdown()$$, '42501', null, 'anon cannot call ticket_status_breakdown');
select throws_ok($$select * from top_products(now() - interval '1 day', now())$$, '42501', null,
  'anon cannot call top_products');
select throws_ok($$select current_staff()$$, '42501', null, 'anon cannot call current_staff');
select throws_ok($$select count(*) from public.products$$, '42501', null, 'anon cannot read products');
select throws_ok($$select count(*) from public.profiles$$, '42501', null, 'anon cannot read staff profiles');
reset role;

-- signed in, not staff ----------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b4000000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;
-- 13-19
select is((select count(*)::int from public.customers), 0, 'a non-staff user sees no customers');
select is((select count(*)::int from public.tickets), 0, 'a non-staff user sees no tickets');
select is((select count(*)::int from public.activity_log), 0, 'a non-staff user sees no activity');
select is((select count(*)::int from public.orders), 0, 'a non-staff user sees no orders');
select is((select count(*)::int from public.products), 0, 'a non-staff user sees no products');
select is((select count(*)::int from public.profiles), 0, 'a non-staff user sees no staff profiles');
select throws_ok($$select * from top_products(now() - interval '1 day', now())$$, '42501', 'staff only',
  'a non-staff user cannot call top_products');
reset role;

-- support ------------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b4000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
set local role authenticated;
-- 20-33
select cmp_ok((select count(*)::int from public.customers), '>', 0, 'support reads customers');
select cmp_ok((select count(*)::int from public.products), '>', 0, 'support reads products');
select cmp_ok((select count(*)::int from public.tickets), '>', 0, 'support reads tickets');
select cmp_ok((select count(*)::int from public.profiles), '>=', 2, 'support reads staff profiles');
select is((select count(*)::int from public.orders), 0, 'support reads no orders');
select is((select count(*)::int from public.order_items), 0, 'support reads no order items');
select is((select count(*)::int from public.sales_hourly), 0, 'support reads no revenue rollup');
select is((select count(*)::int from public.activity_log where entity_type = 'order'), 0, 'support reads no order activity');
select cmp_ok((select count(*)::int from public.activity_log where entity_type = 'ticket'), '>', 0,
  'support reads ticket activity');
select is(dashboard_kpis() -> 'total_revenue_cents', 'null'::jsonb, 'support gets no revenue from dashboard_kpis');
select throws_ok($$select * from revenue_series(now() - interval '7 days', now())$$, '42501', null,
  'support is refused the revenue series');
select throws_ok($$select * from top_products(now() - interval '7 days', now())$$, '42501', null,
  'support is refused top products');
select throws_ok($$update public.tickets set status = 'closed'$$, '42501', null, 'support cannot update tickets');
select throws_ok($$select count(*) from auth.users$$, '42501', null, 'support cannot read auth.users');
reset role;

-- admin ---------------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b4000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;
-- 34-44
select cmp_ok((select count(*)::int from public.orders), '>', 0, 'admin reads orders');
select cmp_ok((select count(*)::int from public.order_items), '>', 0, 'admin reads order items');
select cmp_ok((select count(*)::int from public.sales_hourly), '>', 0, 'admin reads the revenue rollup');
select cmp_ok((select count(*)::int from public.activity_log where entity_type = 'order'), '>', 0,
  'admin reads order activity');
select isnt(dashboard_kpis() -> 'total_revenue_cents', 'null'::jsonb, 'admin gets revenue from dashboard_kpis');
select cmp_ok((select sum(revenue_cents)::bigint from revenue_series(now() - interval '7 days', now())), '>', 0::bigint,
  'admin gets the revenue series');
select cmp_ok((select count(*)::int from top_products(now() - interval '7 days', now())), '>', 0,
  'admin gets top products');
select is((select count(*)::int from ticket_status_breakdown()), 6, 'admin gets the ticket breakdown');
select throws_ok($$insert into public.customers (full_name, email) values ('X', 'x@example.com')$$, '42501', null,
  'admin cannot write through the API either (read-only dashboard)');
select throws_ok($$delete from public.activity_log$$, '42501', null, 'admin cannot delete activity');
select throws_ok($$select * from private.activity_pending$$, '42501', null, 'the private schema''s tables are closed');
reset role;

-- service_role -------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"role":"service_role"}', true);
set local role service_role;
-- 45-48
select lives_ok($$insert into public.customers (full_name, email) values ('Sery Vice', 'sery.vice@example.com')$$,
  'service_role writes');
select lives_ok($$update public.tickets set status = 'in_progress' where device = 'Tablet'$$,
  'service_role updates, and the activity trigger may write its private tables');
select cmp_ok((select count(*)::int from public.orders), '>', 0, 'service_role reads past RLS');
select throws_ok($$select dashboard_kpis()$$, '42501', 'staff only', 'service_role is not staff for the RPCs');
reset role;

select * from finish();
rollback;

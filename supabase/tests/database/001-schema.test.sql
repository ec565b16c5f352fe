begin;
select plan(41);

-- 1-8 tables
select has_table('public', 'customers', 'customers exists');
select has_table('public', 'products', 'products exists');
select has_table('public', 'orders', 'orders exists');
select has_table('public', 'order_items', 'order_items exists');
select has_table('public', 'tickets', 'tickets exists');
select has_table('public', 'profiles', 'profiles exists');
select has_table('public', 'activity_log', 'activity_log exists');
select has_table('public', 'sales_hourly', 'sales_hourly exists');

-- 9-13 columns other code relies on
select col_type_is('public', 'tickets', 'number', 'bigint', 'tickets.number is bigint');
select col_type_is('public', 'orders', 'number', 'bigint', 'orders.number is bigint');
select col_type_is('public', 'orders', 'total_cents', 'bigint', 'orders.total_cents is bigint');
select col_type_is('public', 'orders', 'item_count', 'integer', 'orders.item_count is int');
select col_type_is('public', 'activity_log', 'summary', 'jsonb', 'activity_log.summary is jsonb');

-- 14 RLS on every table in public and private
select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'private') and c.relkind = 'r' and not c.relrowsecurity),
  0, 'row level security is enabled on every table');

-- 15-16 publication membership
select set_eq(
  $$select tablename::text from pg_publication_tables where pubname = 'supabase_realtime'$$,
  array['tickets', 'orders', 'customers', 'products'],
  'supabase_realtime publishes exactly tickets, orders, customers, products');
select is(
  (select count(*)::int from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'activity_log'),
  0, 'activity_log is not published');

-- 17-20 replica identity (see the migration for why)
select is((select relreplident::text from pg_class where oid = 'public.tickets'::regclass), 'f', 'tickets: replica identity full');
select is((select relreplident::text from pg_class where oid = 'public.orders'::regclass), 'f', 'orders: replica identity full');
select is((select relreplident::text from pg_class where oid = 'public.customers'::regclass), 'd', 'customers: replica identity default');
select is((select relreplident::text from pg_class where oid = 'public.products'::regclass), 'd', 'products: replica identity default');

-- 21-23 grants
select is(
  (select count(*)::int from information_schema.role_table_grants where grantee = 'anon' and table_schema = 'public'),
  0, 'anon holds no privilege on any public table');
select is(
  (select count(*)::int from information_schema.role_table_grants
    where grantee = 'authenticated' and table_schema = 'public' and privilege_type <> 'SELECT'),
  0, 'authenticated can only SELECT (the dashboard is read-only)');
select is(
  (select count(*)::int from information_schema.role_table_grants
    where grantee = 'authenticated' and table_schema = 'private'),
  0, 'authenticated holds nothing on private tables');

-- 24 sequences: the API roles cannot move the numbers (setval needs UPDATE)
select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    cross join unnest(array['anon', 'authenticated']) r(role)
    where n.nspname in ('public', 'private') and c.relkind = 'S'
      and (has_sequence_privilege(r.role, c.oid, 'usage') or has_sequence_privilege(r.role, c.oid, 'select')
           or has_sequence_privilege(r.role, c.oid, 'update'))),
  0, 'anon and authenticated hold no privilege on any sequence');

-- 25-27 functions: nobody but authenticated/service_role executes, search_path fixed
select is(
  (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and has_function_privilege('anon', p.oid, 'execute')),
  0, 'anon (and so public) can execute no function in public or private');
select is(
  (select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and not coalesce(p.proconfig @> array['search_path=""'], false)),
  0, 'every function sets search_path to empty');
select set_eq(
  $$select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and has_function_privilege('authenticated', p.oid, 'execute')$$,
  array['dashboard_kpis', 'revenue_series', 'activity_feed', 'ticket_status_breakdown', 'top_products', 'current_staff',
        'entity_detail', 'dashboard_sync', 'ticket_aging', 'revenue_series_at_head'],
  'authenticated executes exactly the ten dashboard RPCs');

-- 28-33 RPC signatures
select has_function('public', 'dashboard_kpis', array['timestamp with time zone', 'timestamp with time zone'], 'dashboard_kpis(from, to)');
select has_function('public', 'revenue_series', array['timestamp with time zone', 'timestamp with time zone', 'text', 'text'], 'revenue_series(from, to, bucket, tz)');
select has_function('public', 'activity_feed', array['integer', 'bigint', 'bigint', 'text', 'text[]', 'text[]', 'text[]'],
  'activity_feed(limit, after, before, query, types, ticket_status, ticket_priority)');
select has_function('public', 'ticket_status_breakdown', array[]::text[], 'ticket_status_breakdown()');
select has_function('public', 'top_products', array['timestamp with time zone', 'timestamp with time zone', 'integer'], 'top_products(from, to, limit)');
select has_function('public', 'current_staff', array[]::text[], 'current_staff()');

-- 34-39 check constraints reject what the shop does not know (allowed cases beside them)
insert into public.customers (id, full_name, email) values ('c1000000-0000-4000-8000-000000000001', 'Check Case', 'check@example.com');
select throws_ok(
  $$insert into public.tickets (customer_id, device, issue, status) values ('c1000000-0000-4000-8000-000000000001', 'Phone', 'Broken', 'lost')$$,
  '23514', null, 'an unknown ticket status is rejected');
select lives_ok(
  $$insert into public.tickets (customer_id, device, issue, status) values ('c1000000-0000-4000-8000-000000000001', 'Phone', 'Broken', 'waiting_parts')$$,
  'a known ticket status is accepted');
select throws_ok(
  $$insert into public.tickets (customer_id, device, issue, priority) values ('c1000000-0000-4000-8000-000000000001', 'Phone', 'Broken', 'asap')$$,
  '23514', null, 'an unknown priority is rejected');
select throws_ok(
  $$insert into public.orders (customer_id, status) values ('c1000000-0000-4000-8000-000000000001', 'shipped')$$,
  '23514', null, 'an unknown order status is rejected');
select throws_ok(
  $$insert into public.products (sku, name, price_cents) values ('NEG-1', 'Negative', -1)$$,
  '23514', null, 'a negative price is rejected');
select throws_ok(
  $$insert into public.customers (full_name, email) values ('Upper Case', 'Upper@Example.com')$$,
  '23514', null, 'a non-lower-case email is rejected');

-- 40-41 human numbers start where the contract says
select cmp_ok(
  (select number from public.tickets where customer_id = 'c1000000-0000-4000-8000-000000000001' limit 1), '>=', 1000::bigint,
  'ticket numbers start at 1000');
insert into public.orders (customer_id) values ('c1000000-0000-4000-8000-000000000001');
select cmp_ok(
  (select number from public.orders where customer_id = 'c1000000-0000-4000-8000-000000000001' limit 1), '>=', 5000::bigint,
  'order numbers start at 5000');

select * from finish();
rollback;

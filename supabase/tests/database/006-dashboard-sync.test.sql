-- dashboard_sync and ticket_aging: every field for admin, support, a non-staff user and anon,
-- the feed window (p_after, p_limit, feed_complete), the epoch and reset, bad arguments.
begin;
select plan(52);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b6000000-0000-4000-8000-000000000001', 'sync.admin@example.com', 'authenticated', 'authenticated'),
  ('b6000000-0000-4000-8000-000000000002', 'sync.support@example.com', 'authenticated', 'authenticated'),
  ('b6000000-0000-4000-8000-000000000003', 'sync.customer@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b6000000-0000-4000-8000-000000000001', 'Ada Admin', 'admin'),
  ('b6000000-0000-4000-8000-000000000002', 'Sol Support', 'support');

insert into public.customers (id, full_name, email) values
  ('c6000000-0000-4000-8000-000000000001', 'Cy Sync', 'cy.sync@example.com'),
  ('c6000000-0000-4000-8000-000000000002', 'Di Sync', 'di.sync@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d6000000-0000-4000-8000-000000000001', 'SYNC-ONE', 'Cable', 1000);
insert into public.orders (id, customer_id, status, created_at) values
  ('e6000000-0000-4000-8000-000000000001', 'c6000000-0000-4000-8000-000000000001', 'paid', now() - interval '1 day'),
  ('e6000000-0000-4000-8000-000000000002', 'c6000000-0000-4000-8000-000000000002', 'paid', now() - interval '3 days'),
  ('e6000000-0000-4000-8000-000000000003', 'c6000000-0000-4000-8000-000000000001', 'pending', now() - interval '2 hours');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e6000000-0000-4000-8000-000000000001', 'd6000000-0000-4000-8000-000000000001', 2, 1000),
  ('e6000000-0000-4000-8000-000000000002', 'd6000000-0000-4000-8000-000000000001', 1, 1000),
  ('e6000000-0000-4000-8000-000000000003', 'd6000000-0000-4000-8000-000000000001', 1, 1000);
insert into public.tickets (customer_id, device, issue, status, priority, created_at, closed_at) values
  ('c6000000-0000-4000-8000-000000000001', 'Phone', 'T1', 'open', 'urgent', now() - interval '2 hours', null),
  ('c6000000-0000-4000-8000-000000000002', 'Phone', 'T2', 'in_progress', 'high', now() - interval '30 hours', null),
  ('c6000000-0000-4000-8000-000000000001', 'Phone', 'T3', 'closed', 'normal', now() - interval '5 days', now() - interval '3 hours'),
  ('c6000000-0000-4000-8000-000000000002', 'Phone', 'T4', 'cancelled', 'low', now() - interval '10 days', now() - interval '9 days'),
  ('c6000000-0000-4000-8000-000000000001', 'Phone', 'T5', 'ready', 'normal', now() - interval '20 hours', null),
  ('c6000000-0000-4000-8000-000000000002', 'Phone', 'T6', 'open', 'high', now() - interval '50 hours', null),
  ('c6000000-0000-4000-8000-000000000001', 'Phone', 'T7', 'closed', 'normal', now() - interval '40 days', now() - interval '35 days');

set constraints all immediate;  -- number the activity rows as a commit would

-- What the caller should see, taken as postgres before switching roles.
select epoch as epoch0 from private.activity_epoch \gset
select max(id) as cursor_admin, max(id) filter (where entity_type <> 'order') as cursor_support
  from public.activity_log \gset

-- 1-2 signatures
select has_function('public', 'dashboard_sync',
  array['bigint', 'text', 'integer', 'timestamp with time zone', 'text', 'text', 'timestamp with time zone'],
  'dashboard_sync(after, epoch, limit, revenue_from, bucket, tz, after_at)');
select has_function('public', 'ticket_aging', array[]::text[], 'ticket_aging()');

-- As admin -------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b6000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

-- 3-11 the snapshot
select set_eq($$select jsonb_object_keys(dashboard_sync())$$,
  array['epoch', 'reset', 'cursor', 'feed', 'feed_complete', 'kpis', 'ticket_status', 'revenue', 'ticket_aging',
        'delta_seq', 'delta_sent_at'],
  'dashboard_sync returns exactly the contract''s fields');
select is(dashboard_sync() ->> 'epoch', :'epoch0', 'epoch is the log''s current epoch');
select is((dashboard_sync() -> 'reset')::boolean, false, 'no p_epoch: reset is false');
select is((dashboard_sync() ->> 'cursor')::bigint, :cursor_admin::bigint, 'cursor is the newest activity id');
select is(dashboard_sync() -> 'feed',
  (select jsonb_agg(to_jsonb(f) order by f.id desc) from activity_feed(500) f),
  'cold cursor: every activity row, newest first, with activity_feed''s fields');
select is((dashboard_sync() -> 'feed_complete')::boolean, true, 'all rows fit: feed_complete');
select is((dashboard_sync() -> 'kpis') - 'as_of', dashboard_kpis() - 'as_of', 'kpis is what dashboard_kpis() returns');
select is((dashboard_sync() #>> '{kpis,cursor}')::bigint, (dashboard_sync() ->> 'cursor')::bigint, 'kpis.cursor = cursor');
select is(dashboard_sync() -> 'ticket_status',
  (select jsonb_agg(jsonb_build_object('status', status, 'count', count)) from ticket_status_breakdown()),
  'ticket_status is ticket_status_breakdown()');

-- 12-14 revenue
select is(dashboard_sync() -> 'revenue', 'null'::jsonb, 'no p_revenue_from: revenue is null');
select is(x.s -> 'revenue',
  (select jsonb_agg(to_jsonb(r) order by r.bucket_start)
     from revenue_series(now() - interval '4 days', (x.s #>> '{kpis,as_of}')::timestamptz, 'day', 'UTC') r),
  'revenue: the day buckets of revenue_series(p_revenue_from, now())')
  from (select dashboard_sync(p_revenue_from => now() - interval '4 days') as s) x;
select is(x.s -> 'revenue',
  (select jsonb_agg(to_jsonb(r) order by r.bucket_start)
     from revenue_series(now() - interval '30 hours', (x.s #>> '{kpis,as_of}')::timestamptz, 'hour', 'Asia/Kolkata') r),
  'revenue: hour buckets in the given zone')
  from (select dashboard_sync(p_revenue_from => now() - interval '30 hours', p_bucket => 'hour', p_tz => 'Asia/Kolkata') as s) x;

-- 15-21 the feed window
select is(dashboard_sync(p_after => :cursor_admin - 3) -> 'feed',
  (select jsonb_agg(to_jsonb(f) order by f.id desc) from activity_feed(50, p_after => :cursor_admin - 3) f),
  'p_after: the rows after the cursor, newest first');
select is(dashboard_sync(p_after => :cursor_admin) -> 'feed', '[]'::jsonb, 'nothing after the newest id');
select is((dashboard_sync(p_after => :cursor_admin) -> 'feed_complete')::boolean, true, 'an empty catch-up is complete');
select is((select jsonb_agg(e -> 'id') from jsonb_array_elements(dashboard_sync(p_limit => 2) -> 'feed') e),
  jsonb_build_array(:cursor_admin, :cursor_admin - 1), 'p_limit keeps the newest rows');
select is((dashboard_sync(p_limit => 2) -> 'feed_complete')::boolean, false, 'feed_complete is false past p_limit');
select is((dashboard_sync(p_after => :cursor_admin - 5, p_limit => 5) -> 'feed_complete')::boolean, true,
  'exactly p_limit rows after the cursor: complete');
select is((dashboard_sync(p_after => :cursor_admin - 5, p_limit => 4) -> 'feed_complete')::boolean, false,
  'one more than p_limit after the cursor: not complete');

-- 22-25 epoch and reset
select is((dashboard_sync(p_after => :cursor_admin, p_epoch => :'epoch0') -> 'reset')::boolean, false,
  'the current epoch: no reset');
select is((dashboard_sync(p_after => :cursor_admin, p_epoch => 'an-old-epoch') -> 'reset')::boolean, true,
  'another epoch: reset');
select is(jsonb_array_length(dashboard_sync(p_after => :cursor_admin, p_epoch => 'an-old-epoch', p_limit => 3) -> 'feed'), 3,
  'on reset the feed is a fresh snapshot, whatever p_after says');
select is((dashboard_sync(p_after => :cursor_admin + 1000000, p_epoch => :'epoch0') -> 'reset')::boolean, true,
  'a cursor above every id ever issued (a restore) is a reset too');

-- 26-28 ticket_aging
select is(ticket_aging(), jsonb_build_object(
  'active', jsonb_build_array(
    jsonb_build_object('status', 'open', 'count', 2, 'urgent', 1, 'high', 1,
                       'oldest_created_at', now() - interval '50 hours', 'oldest_seconds', 180000),
    jsonb_build_object('status', 'in_progress', 'count', 1, 'urgent', 0, 'high', 1,
                       'oldest_created_at', now() - interval '30 hours', 'oldest_seconds', 108000),
    jsonb_build_object('status', 'waiting_parts', 'count', 0, 'urgent', 0, 'high', 0,
                       'oldest_created_at', null, 'oldest_seconds', null),
    jsonb_build_object('status', 'ready', 'count', 1, 'urgent', 0, 'high', 0,
                       'oldest_created_at', now() - interval '20 hours', 'oldest_seconds', 72000)),
  'done_30d', jsonb_build_object('closed', 1, 'cancelled', 1)),
  'ticket_aging: the four active statuses in order, and what closed in 30 days');
select is(
  (select jsonb_agg(e - 'oldest_seconds') from jsonb_array_elements(dashboard_sync() #> '{ticket_aging,active}') e),
  (select jsonb_agg(e - 'oldest_seconds') from jsonb_array_elements(ticket_aging() -> 'active') e),
  'dashboard_sync carries the same object (oldest_seconds counted at its own clock)');
select is((dashboard_sync() #>> '{kpis,active_repairs}')::int,
  (select sum((e ->> 'count')::int)::int from jsonb_array_elements(dashboard_sync() #> '{ticket_aging,active}') e),
  'the aging rows add up to the active repairs');

-- 29-34 bad arguments
select throws_ok($$select dashboard_sync(p_limit => 0)$$, '22023', null, 'p_limit 0 is refused');
select throws_ok($$select dashboard_sync(p_limit => 1001)$$, '22023', null, 'p_limit above 1000 is refused');
select throws_ok($$select dashboard_sync(p_after => -1)$$, '22023', null, 'a negative p_after is refused');
select throws_ok($$select dashboard_sync(p_bucket => 'week')$$, '22023', null, 'an unknown bucket is refused');
select throws_ok($$select dashboard_sync(p_tz => 'Mars/Olympus')$$, '22023', null, 'an unknown time zone is refused');
select throws_ok($$select dashboard_sync(p_revenue_from => now() + interval '1 day')$$, '22023', null,
  'p_revenue_from in the future is refused');

-- As support -----------------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b6000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
set local role authenticated;

-- 35-44
select is((dashboard_sync() ->> 'cursor')::bigint, :cursor_support::bigint, 'support cursor: the newest non-order id');
select is(dashboard_sync() -> 'feed',
  (select jsonb_agg(to_jsonb(f) order by f.id desc) from activity_feed(500) f),
  'support feed: what activity_feed shows support');
select is((select count(*)::int from jsonb_array_elements(dashboard_sync() -> 'feed') e where e ->> 'entity_type' = 'order'),
  0, 'support feed: no order rows');
select is((dashboard_sync() -> 'kpis') - 'as_of', dashboard_kpis() - 'as_of', 'support kpis: what dashboard_kpis() returns support');
select is(dashboard_sync() #> '{kpis,total_revenue_cents}', 'null'::jsonb, 'support kpis: revenue is null');
select is(dashboard_sync(p_revenue_from => now() - interval '4 days') -> 'revenue', 'null'::jsonb,
  'support: no revenue, even when asked');
select is(dashboard_sync() #> '{ticket_aging,done_30d}', ticket_aging() -> 'done_30d', 'support gets ticket_aging');
select is(jsonb_array_length(dashboard_sync() #> '{ticket_aging,active}'), 4, 'support: all four aging rows');
select is(dashboard_sync() -> 'ticket_status',
  (select jsonb_agg(jsonb_build_object('status', status, 'count', count)) from ticket_status_breakdown()),
  'support gets ticket_status');
select throws_ok($$select dashboard_sync(p_bucket => 'week')$$, '22023', null, 'support: bad arguments are refused too');

-- As a signed-in user who is not staff, and as anon ---------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b6000000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;
-- 45-46
select throws_ok($$select dashboard_sync()$$, '42501', 'staff only', 'non-staff: dashboard_sync refused');
select throws_ok($$select ticket_aging()$$, '42501', 'staff only', 'non-staff: ticket_aging refused');
reset role;
set local role anon;
-- 47-48
select throws_ok($$select dashboard_sync()$$, '42501', null, 'anon cannot call dashboard_sync');
select throws_ok($$select ticket_aging()$$, '42501', null, 'anon cannot call ticket_aging');

-- TRUNCATE starts a new epoch ------------------------------------------------------------------
reset role;
truncate public.activity_log;
select set_config('request.jwt.claims', '{"sub":"b6000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;
-- 49-52
select isnt(dashboard_sync() ->> 'epoch', :'epoch0', 'after TRUNCATE the epoch is new');
select is((dashboard_sync(p_after => :cursor_admin, p_epoch => :'epoch0') -> 'reset')::boolean, true,
  'a client holding the old epoch is told to reset');
select is((dashboard_sync(p_after => :cursor_admin, p_epoch => :'epoch0') -> 'feed'), '[]'::jsonb,
  'and gets the (empty) fresh snapshot');
select is((dashboard_sync(p_epoch => dashboard_sync() ->> 'epoch') -> 'reset')::boolean, false,
  'a client with the new epoch is not');

reset role;
select * from finish();
rollback;

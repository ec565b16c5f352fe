-- The dashboard delta (delta-contract.md): what private.flush_activity sends on dashboard:admin and
-- dashboard:support at commit. pgTAP runs in one transaction, so each "commit" here is
-- `set constraints all immediate` (the deferred flush fires, as at COMMIT) then `all deferred`
-- again; the flush consumes everything the transaction queued, so each one stands for one
-- writing transaction. The messages are read from realtime.messages as the migration owner.
begin;
select plan(63);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;

insert into auth.users (id, email, aud, role) values
  ('b1400000-0000-4000-8000-000000000001', 'delta.admin@example.com', 'authenticated', 'authenticated'),
  ('b1400000-0000-4000-8000-000000000002', 'delta.support@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1400000-0000-4000-8000-000000000001', 'Ada Delta', 'admin'),
  ('b1400000-0000-4000-8000-000000000002', 'Sol Delta', 'support');

-- The messages of the last "commit", per topic; and dashboard_sync as a staff member would call it.
create function pg_temp.delta(p_topic text) returns jsonb language sql as $$
  select m.payload from realtime.messages m where m.topic = p_topic and m.event = 'delta'
   order by (m.payload ->> 'sent_at')::timestamptz desc limit 1
$$;
create function pg_temp.deltas(p_topic text) returns int language sql as $$
  select count(*)::int from realtime.messages m where m.topic = p_topic
$$;
create function pg_temp.sync_as(p_user uuid, p_after bigint) returns jsonb language plpgsql as $$
declare
  v jsonb;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
  v := public.dashboard_sync(p_after => p_after);
  perform set_config('role', 'none', true);
  return v;
end;
$$;
-- ticket_aging without oldest_seconds (counted at each caller's clock).
create function pg_temp.aging(p jsonb) returns jsonb language sql as $$
  select jsonb_build_object('active', (select jsonb_agg(e - 'oldest_seconds') from jsonb_array_elements(p -> 'active') e),
                            'done_30d', p -> 'done_30d')
$$;

-- 1-4 the setup's own deltas: TRUNCATE (a new epoch) reached both audiences
select is(pg_temp.deltas('dashboard:admin'), 0, 'nothing before the first commit');
insert into public.customers (id, full_name, email) values
  ('c1400000-0000-4000-8000-000000000001', 'Cy Delta', 'cy.delta@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d1400000-0000-4000-8000-000000000001', 'DELTA-ONE', 'Cable', 1000),
  ('d1400000-0000-4000-8000-000000000002', 'DELTA-TWO', 'Charger', 2500);
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.deltas('dashboard:admin'), 1, 'one admin delta for the transaction');
select is(pg_temp.deltas('dashboard:support'), 1, 'one support delta (customer and product rows are support-visible)');
select is(jsonb_array_length(pg_temp.delta('dashboard:support') -> 'feed'), 3, 'support sees the three rows');
delete from realtime.messages;

-- A ticket insert --------------------------------------------------------------------------------
select private.visible_cursor(true) as from_admin, private.visible_cursor(false) as from_support \gset
insert into public.tickets (id, customer_id, device, issue, priority) values
  ('a1400000-0000-4000-8000-000000000001', 'c1400000-0000-4000-8000-000000000001', 'Phone', 'Cracked', 'urgent');
set constraints all immediate;
set constraints all deferred;
select pg_temp.delta('dashboard:admin') as admin_delta, pg_temp.delta('dashboard:support') as support_delta \gset

-- 5-18
select set_eq($$select jsonb_object_keys(pg_temp.delta('dashboard:admin'))$$,
  array['epoch', 'seq', 'prev_sent_at', 'from_cursor', 'cursor', 'feed', 'feed_complete', 'kpis', 'ticket_status', 'ticket_aging',
        'revenue', 'touched', 'sent_at', 'id'],
  'the delta has the contract''s keys (and realtime.send''s id)');
select is((:'admin_delta'::jsonb ->> 'from_cursor')::bigint, :from_admin::bigint, 'admin from_cursor: the cursor before');
select is((:'admin_delta'::jsonb ->> 'cursor')::bigint, private.visible_cursor(true), 'admin cursor: the cursor after');
select is(:'admin_delta'::jsonb ->> 'epoch', private.activity_epoch(), 'epoch: the log''s epoch');
select is(:'admin_delta'::jsonb -> 'feed', pg_temp.sync_as('b1400000-0000-4000-8000-000000000001', :from_admin) -> 'feed',
  'admin feed: what dashboard_sync returns after from_cursor');
select is((:'admin_delta'::jsonb -> 'feed_complete')::boolean, true, 'feed_complete');
select is((:'admin_delta'::jsonb -> 'kpis') - 'as_of',
  (pg_temp.sync_as('b1400000-0000-4000-8000-000000000001', :from_admin) -> 'kpis') - 'as_of',
  'admin kpis: dashboard_sync''s for admin');
select is(:'admin_delta'::jsonb -> 'ticket_status',
  pg_temp.sync_as('b1400000-0000-4000-8000-000000000001', :from_admin) -> 'ticket_status', 'ticket_status: dashboard_sync''s');
select is(pg_temp.aging(:'admin_delta'::jsonb -> 'ticket_aging'),
  pg_temp.aging(pg_temp.sync_as('b1400000-0000-4000-8000-000000000001', :from_admin) -> 'ticket_aging'),
  'ticket_aging (tickets were written): dashboard_sync''s');
select is(:'admin_delta'::jsonb -> 'revenue', '[]'::jsonb, 'admin revenue: no change is []');
select is((:'support_delta'::jsonb ->> 'from_cursor')::bigint, :from_support::bigint, 'support from_cursor: the cursor before');
select is(:'support_delta'::jsonb -> 'feed', pg_temp.sync_as('b1400000-0000-4000-8000-000000000002', :from_support) -> 'feed',
  'support feed: dashboard_sync''s for support');
select is((:'support_delta'::jsonb -> 'kpis') - 'as_of',
  (pg_temp.sync_as('b1400000-0000-4000-8000-000000000002', :from_support) -> 'kpis') - 'as_of',
  'support kpis: dashboard_sync''s for support (revenue null)');
select is(:'support_delta'::jsonb -> 'revenue', 'null'::jsonb, 'support revenue: null');
delete from realtime.messages;

-- An order placed with items in several statements: admin only --------------------------------------
select private.visible_cursor(true) as from_admin \gset
create temporary table sales_before as
  select bucket, sum(revenue_cents) as r, sum(orders_count) as o, sum(items_sold) as i from public.sales_hourly group by bucket;
insert into public.orders (id, customer_id, status) values
  ('e1400000-0000-4000-8000-000000000001', 'c1400000-0000-4000-8000-000000000001', 'paid');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e1400000-0000-4000-8000-000000000001', 'd1400000-0000-4000-8000-000000000001', 2, 1000);
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e1400000-0000-4000-8000-000000000001', 'd1400000-0000-4000-8000-000000000002', 1, 2500);
set constraints all immediate;
set constraints all deferred;
select pg_temp.delta('dashboard:admin') as admin_delta \gset

-- 19-24
select is(pg_temp.deltas('dashboard:support'), 0, 'an order-only transaction sends support nothing');
select is(jsonb_array_length(:'admin_delta'::jsonb -> 'feed'), 1, 'admin feed: the order_placed row');
select is(:'admin_delta'::jsonb #> '{feed,0,summary,total_cents}', '4500'::jsonb,
  'the row carries the total after every item (refreshed at commit)');
select is(:'admin_delta'::jsonb -> 'revenue', jsonb_build_array(jsonb_build_object(
  'hour', date_trunc('hour', now(), 'UTC'), 'revenue_cents', 4500, 'orders_count', 1, 'items_sold', 3)),
  'revenue: the net change of the order''s hour');
select is(:'admin_delta'::jsonb -> 'ticket_aging', 'null'::jsonb, 'no tickets written: ticket_aging null');
select is((:'admin_delta'::jsonb -> 'kpis') - 'as_of',
  (pg_temp.sync_as('b1400000-0000-4000-8000-000000000001', :from_admin) -> 'kpis') - 'as_of',
  'admin kpis include the order');
delete from realtime.messages;

-- Revenue: net changes per UTC hour of several orders, a refund, a delete and an item edit -----------
insert into public.orders (id, customer_id, status, created_at) values
  ('e1400000-0000-4000-8000-000000000002', 'c1400000-0000-4000-8000-000000000001', 'paid', now() - interval '5 hours'),
  ('e1400000-0000-4000-8000-000000000003', 'c1400000-0000-4000-8000-000000000001', 'paid', now() - interval '26 hours');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e1400000-0000-4000-8000-000000000002', 'd1400000-0000-4000-8000-000000000001', 1, 1000),
  ('e1400000-0000-4000-8000-000000000003', 'd1400000-0000-4000-8000-000000000002', 3, 2500);
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;
drop table sales_before;
create temporary table sales_before as
  select bucket, sum(revenue_cents) as r, sum(orders_count) as o, sum(items_sold) as i from public.sales_hourly group by bucket;
update public.orders set status = 'refunded' where id = 'e1400000-0000-4000-8000-000000000002';
delete from public.orders where id = 'e1400000-0000-4000-8000-000000000003';
insert into public.orders (id, customer_id, status, created_at) values
  ('e1400000-0000-4000-8000-000000000004', 'c1400000-0000-4000-8000-000000000001', 'paid', now() - interval '5 hours'),
  ('e1400000-0000-4000-8000-000000000005', 'c1400000-0000-4000-8000-000000000001', 'pending', now() - interval '5 hours');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e1400000-0000-4000-8000-000000000004', 'd1400000-0000-4000-8000-000000000002', 2, 2500),
  ('e1400000-0000-4000-8000-000000000005', 'd1400000-0000-4000-8000-000000000002', 9, 2500);
update public.order_items set quantity = 3 where order_id = 'e1400000-0000-4000-8000-000000000001'
   and product_id = 'd1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;

-- 25-27
select is(pg_temp.delta('dashboard:admin') -> 'revenue',
  (select jsonb_agg(jsonb_build_object('hour', coalesce(a.bucket, b.bucket), 'revenue_cents', coalesce(a.r, 0) - coalesce(b.r, 0),
            'orders_count', coalesce(a.o, 0) - coalesce(b.o, 0), 'items_sold', coalesce(a.i, 0) - coalesce(b.i, 0))
          order by coalesce(a.bucket, b.bucket))
     from (select bucket, sum(revenue_cents) as r, sum(orders_count) as o, sum(items_sold) as i
             from public.sales_hourly group by bucket) a
     full join sales_before b on b.bucket = a.bucket
    where a.r is distinct from b.r or a.o is distinct from b.o or a.i is distinct from b.i),
  'revenue: exactly the transaction''s net change of sales_hourly, per hour');
select is(jsonb_array_length(pg_temp.delta('dashboard:admin') -> 'revenue'), 3, 'three hours changed (now, -5 h, -26 h)');
select is((select count(*)::int from private.delta_revenue_pending), 0, 'nothing is left pending');
delete from realtime.messages;

-- 28-30 revenue across more than 1,000 hours (a bulk import) does not fit one message: none, and -1
insert into public.orders (customer_id, status, created_at)
  select 'c1400000-0000-4000-8000-000000000001', 'paid', now() - interval '3 hours' - i * interval '1 hour'
    from generate_series(1, 1001) i;
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') -> 'revenue', '[]'::jsonb, 'revenue in 1,001 hours: not sent');
select is(pg_temp.delta('dashboard:admin') -> 'from_cursor', '-1'::jsonb, 'and from_cursor -1 makes every admin sync');
select is(jsonb_array_length(pg_temp.delta('dashboard:admin') -> 'feed'), 100, 'the feed is sent as usual');
delete from public.orders where item_count = 0 and created_at < now() - interval '3 hours';
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;

-- No activity row, a revenue change (an item edit): from_cursor = cursor ---------------------------
-- 31-34
update public.order_items set quantity = 4 where order_id = 'e1400000-0000-4000-8000-000000000001'
   and product_id = 'd1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') -> 'from_cursor', pg_temp.delta('dashboard:admin') -> 'cursor',
  'an item edit: from_cursor = cursor');
select is(pg_temp.delta('dashboard:admin') -> 'revenue', jsonb_build_array(jsonb_build_object(
  'hour', date_trunc('hour', now(), 'UTC'), 'revenue_cents', 1000, 'orders_count', 0, 'items_sold', 1)),
  'and the revenue it made');
select is(pg_temp.delta('dashboard:admin') -> 'feed', '[]'::jsonb, 'with an empty feed');
select is(pg_temp.deltas('dashboard:support'), 0, 'support hears nothing of it');
delete from realtime.messages;

-- A ticket priority change (no activity row): both audiences, aging updated -------------------------
-- 35-38
update public.tickets set priority = 'low' where id = 'a1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:support') -> 'from_cursor', pg_temp.delta('dashboard:support') -> 'cursor',
  'a priority change: support from_cursor = cursor');
select is(pg_temp.delta('dashboard:support') #> '{ticket_aging,active,0,urgent}', '0'::jsonb,
  'its ticket_aging no longer counts the ticket as urgent');
select is(pg_temp.delta('dashboard:admin') -> 'feed', '[]'::jsonb, 'admin gets it too, with no rows');
select is(pg_temp.delta('dashboard:admin') -> 'revenue', '[]'::jsonb, 'and no revenue');
delete from realtime.messages;

-- Support never sees an order: one transaction with an order and a ticket ----------------------------
select private.visible_cursor(false) as from_support \gset
insert into public.orders (id, customer_id, status) values
  ('e1400000-0000-4000-8000-000000000006', 'c1400000-0000-4000-8000-000000000001', 'paid');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e1400000-0000-4000-8000-000000000006', 'd1400000-0000-4000-8000-000000000001', 1, 1000);
update public.tickets set status = 'in_progress' where id = 'a1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
-- 39-43
select is(jsonb_array_length(pg_temp.delta('dashboard:admin') -> 'feed'), 2, 'admin: the order and the ticket rows');
select is((select jsonb_agg(e ->> 'kind') from jsonb_array_elements(pg_temp.delta('dashboard:support') -> 'feed') e),
  '["ticket_status_changed"]'::jsonb, 'support: only the ticket row');
select is(position('e1400000-0000-4000-8000-000000000006' in pg_temp.delta('dashboard:support')::text), 0,
  'the support message holds no order id');
select is(position((select number::text from public.orders where id = 'e1400000-0000-4000-8000-000000000006')
                   in (pg_temp.delta('dashboard:support') -> 'feed')::text), 0, 'nor its number');
select is((pg_temp.delta('dashboard:support') ->> 'cursor')::bigint, private.visible_cursor(false),
  'support cursor: its newest visible row, not the order''s id');
delete from realtime.messages;

-- A bulk update of 150 rows: the newest 100, feed_complete false --------------------------------------
insert into public.tickets (customer_id, device, issue)
  select 'c1400000-0000-4000-8000-000000000001', 'Bulk ' || i, 'Bulk' from generate_series(1, 150) i;
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;
select private.visible_cursor(true) as from_admin \gset
update public.tickets set status = 'waiting_parts' where device like 'Bulk %';
set constraints all immediate;
set constraints all deferred;
-- 44-48
select is(jsonb_array_length(pg_temp.delta('dashboard:admin') -> 'feed'), 100, 'a 150-row transaction: 100 rows');
select is((pg_temp.delta('dashboard:admin') -> 'feed_complete')::boolean, false, 'feed_complete false');
select is((pg_temp.delta('dashboard:admin') #>> '{feed,0,id}')::bigint, (pg_temp.delta('dashboard:admin') ->> 'cursor')::bigint,
  'the newest row first: its id is the cursor');
select is((pg_temp.delta('dashboard:admin') ->> 'cursor')::bigint - (pg_temp.delta('dashboard:admin') ->> 'from_cursor')::bigint,
  150::bigint, 'the cursor moved by the 150 rows');
select is((pg_temp.delta('dashboard:support') -> 'feed_complete')::boolean, false, 'support: feed_complete false too');
delete from realtime.messages;

-- 100 rows with the longest summaries: the feed stays within its byte budget ---------------------------
update public.customers set full_name = repeat('N', 200) where id = 'c1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;
insert into public.tickets (customer_id, device, issue)
  select 'c1400000-0000-4000-8000-000000000001', repeat('D', 200), repeat(chr(65 + i % 26), 2000) from generate_series(1, 100) i;
set constraints all immediate;
set constraints all deferred;
-- 49-51
select cmp_ok(jsonb_array_length(pg_temp.delta('dashboard:admin') -> 'feed'), '<', 100, 'long rows: fewer than 100 rows sent');
select is((pg_temp.delta('dashboard:admin') -> 'feed_complete')::boolean, false, 'and feed_complete says rows were left out');
select cmp_ok(octet_length(pg_temp.delta('dashboard:admin')::text), '<', 200 * 1024,
  'the message stays under 200 KB (Broadcast''s Free limit is 256 KB)');
delete from realtime.messages;

-- A rolled-back subtransaction sends nothing -----------------------------------------------------------
-- 52-53
savepoint before_rollback;
insert into public.tickets (customer_id, device, issue)
  values ('c1400000-0000-4000-8000-000000000001', 'Rolled back', 'Rolled back');
set constraints all immediate;
select is(pg_temp.deltas('dashboard:admin'), 1, 'inside the subtransaction the delta is written');
rollback to savepoint before_rollback;
set constraints all deferred;
select is(pg_temp.deltas('dashboard:admin') + pg_temp.deltas('dashboard:support'), 0, 'rolled back: no message left');

-- Deletes and a new epoch -------------------------------------------------------------------------------
-- 54-59
delete from public.orders where id = 'e1400000-0000-4000-8000-000000000006';
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') #>> '{feed,0,kind}', 'order_deleted', 'an order delete: its row for admin');
select is((pg_temp.delta('dashboard:admin') #>> '{revenue,0,revenue_cents}')::bigint, -1000::bigint, 'and its revenue taken back');
select is(pg_temp.deltas('dashboard:support'), 0, 'support hears nothing of it');
delete from realtime.messages;
select private.activity_epoch() as epoch0 \gset
truncate public.activity_log;
set constraints all immediate;
set constraints all deferred;
select isnt(pg_temp.delta('dashboard:support') ->> 'epoch', :'epoch0', 'TRUNCATE of the log: support gets the new epoch');
select is(pg_temp.delta('dashboard:admin') ->> 'epoch', private.activity_epoch(), 'and admin');
select is((select count(*)::int from private.activity_flush_requests), 0, 'no flush request is left');

-- Slot rows of hours that are over are folded into one row per hour (slot -1), same figures ---------------
-- 60-63
delete from realtime.messages;
-- The 1,001 hours above are folded 32 rows a delta; fold them at once here.
select private.compact_counter_slots(date_trunc('hour', now(), 'UTC'), 100000);
insert into public.sales_hourly (bucket, slot, revenue_cents, orders_count, items_sold)
  select date_trunc('hour', now() - interval '3 days', 'UTC'), s, 100 * s, s, 2 * s from generate_series(3, 5) s;
insert into private.ticket_hourly (bucket, slot, opened, activated, closed, cancelled)
  select date_trunc('hour', now() - interval '3 days', 'UTC'), s, s, s, 0, 0 from generate_series(3, 5) s;
create temporary table before_fold as
  select private.kpis('admin', now() - interval '30 days', now(), 0, now()) - 'as_of' as k,
         private.ticket_window(now() - interval '30 days', null)::text as w;
update public.tickets set priority = 'high' where id = 'a1400000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is((select count(*)::int from public.sales_hourly where slot >= 0 and bucket < date_trunc('hour', now(), 'UTC')), 0,
  'the delta folded every sales_hourly slot row of the hours that are over');
select is((select array_agg(slot order by slot) from private.ticket_hourly
            where bucket = date_trunc('hour', now() - interval '3 days', 'UTC')), array[-1]::smallint[],
  'and ticket_hourly''s: one row per hour, slot -1');
select is(private.kpis('admin', now() - interval '30 days', now(), 0, now()) - 'as_of', (select k from before_fold),
  'the KPIs are the same after the fold');
select is(private.ticket_window(now() - interval '30 days', null)::text, (select w from before_fold),
  'and so are the ticket windows');

select * from finish();
rollback;

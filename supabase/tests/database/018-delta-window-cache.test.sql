-- The delta's cached finished hours (20261207100000_cache_delta_windows.sql): after seeded random
-- writes (backdated orders, refunds and deletes of old orders, backdated and closed tickets,
-- reopenings, deletes, moved created_at), every cached range equals a recount of the hourly rows,
-- and the deltas' figures equal dashboard_sync's. A marker (an hour that turned inside a
-- transaction) and a TRUNCATE make the range be read again. As in 014, each "commit" is
-- `set constraints all immediate` then `all deferred`.
begin;
select plan(16);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;
set constraints all immediate;
set constraints all deferred;
delete from realtime.messages;

insert into auth.users (id, email, aud, role) values
  ('b1800000-0000-4000-8000-000000000001', 'cache.admin@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1800000-0000-4000-8000-000000000001', 'Ada Cache', 'admin');

create function pg_temp.sync_admin() returns jsonb language plpgsql as $$
declare
  v jsonb;
begin
  perform set_config('request.jwt.claims',
    json_build_object('sub', 'b1800000-0000-4000-8000-000000000001', 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
  v := public.dashboard_sync();
  perform set_config('role', 'none', true);
  return v;
end;
$$;
create function pg_temp.delta() returns jsonb language sql as $$
  select m.payload from realtime.messages m where m.topic = 'dashboard:admin' and m.event = 'delta'
   order by (m.payload ->> 'sent_at')::timestamptz desc limit 1
$$;
create function pg_temp.aging(p jsonb) returns jsonb language sql as $$
  select jsonb_build_object('active', (select jsonb_agg(e - 'oldest_seconds') from jsonb_array_elements(p -> 'active') e),
                            'done_30d', p -> 'done_30d')
$$;
-- The ranges a delta reads now (see private.delta_figures), and
-- some others.
create function pg_temp.ranges() returns table (tbl smallint, lo timestamptz, hi timestamptz) language sql as $$
  with h as (select date_trunc('hour', now(), 'UTC') as h)
  select x.tbl::smallint, x.lo, x.hi from h, lateral (values
    (1, h.h - interval '719 hours', h.h), (1, h.h - interval '1439 hours', h.h - interval '720 hours'),
    (1, h.h - interval '100 hours', h.h - interval '3 hours'),
    (2, h.h - interval '23 hours', h.h), (2, h.h - interval '47 hours', h.h - interval '24 hours'),
    (2, h.h - interval '719 hours', h.h), (2, h.h - interval '200 hours', h.h - interval '5 hours')) x(tbl, lo, hi)
$$;
-- Ranges whose cache differs from a recount (none expected).
create function pg_temp.cache_mismatches() returns bigint language sql as $$
  select count(*) from pg_temp.ranges() r
   cross join lateral private.delta_window(r.tbl, r.lo, r.hi) w
   cross join lateral (
     select case when r.tbl = 1 then
                   (select row(coalesce(sum(s.revenue_cents), 0), coalesce(sum(s.orders_count), 0),
                               coalesce(sum(s.items_sold), 0), 0::bigint)::text
                      from public.sales_hourly s where s.bucket >= r.lo and s.bucket < r.hi)
                 else
                   (select row(coalesce(sum(h.opened), 0), coalesce(sum(h.activated), 0), coalesce(sum(h.closed), 0),
                               coalesce(sum(h.cancelled), 0))::text
                      from private.ticket_hourly h where h.bucket >= r.lo and h.bucket < r.hi)
            end as recount) n
   where row(w.a, w.b, w.c, w.d)::text <> n.recount
$$;

-- Customers, products, and 200 orders and 200 tickets over the last 70 days.
select setseed(0.18);
insert into public.customers (id, full_name, email)
select md5('cache-c' || i)::uuid, 'Cache ' || i, 'cache' || i || '@example.com' from generate_series(1, 20) i;
insert into public.products (id, sku, name, price_cents)
select md5('cache-p' || i)::uuid, 'CACHE-' || i, 'Part ' || i, 100 * i from generate_series(1, 10) i;
insert into public.orders (id, customer_id, status, created_at)
select md5('cache-o' || i)::uuid, md5('cache-c' || (1 + i % 20))::uuid,
       case when i % 5 = 0 then 'pending' else 'paid' end, now() - random() * interval '70 days'
  from generate_series(1, 200) i;
insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
select md5('cache-o' || i)::uuid, md5('cache-p' || (1 + i % 10))::uuid, 1 + i % 3, 100 * (1 + i % 10)
  from generate_series(1, 200) i;
insert into public.tickets (id, customer_id, device, issue, status, priority, created_at)
select md5('cache-t' || i)::uuid, md5('cache-c' || (1 + i % 20))::uuid, 'Phone', 'Screen',
       (array['open', 'in_progress', 'waiting_parts', 'ready'])[1 + i % 4],
       (array['low', 'normal', 'high', 'urgent'])[1 + i % 4], now() - random() * interval '70 days'
  from generate_series(1, 200) i;
set constraints all immediate;
set constraints all deferred;

-- 1-2
select is(pg_temp.cache_mismatches(), 0::bigint, 'after the seed: every range equals a recount');
select ok((select count(*) from private.delta_window_cache) >= 7, 'the ranges are cached');

-- Random writes, one transaction each; some in the past, some now.
create function pg_temp.random_write(i int) returns void language plpgsql as $$
declare
  v_kind int := i % 9;
  v_order uuid := md5('cache-o' || (1 + floor(random() * 200)::int))::uuid;
  v_ticket uuid := md5('cache-t' || (1 + floor(random() * 200)::int))::uuid;
  v_past timestamptz := now() - random() * interval '65 days';
begin
  case v_kind
    when 0 then  -- a backdated paid order with an item
      insert into public.orders (id, customer_id, status, created_at)
      values (md5('cache-o-new' || i)::uuid, md5('cache-c1')::uuid, 'paid', v_past);
      insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
      values (md5('cache-o-new' || i)::uuid, md5('cache-p1')::uuid, 2, 150);
    when 1 then  -- an old order refunded
      update public.orders set status = 'refunded' where id = v_order;
    when 2 then  -- an old order deleted
      delete from public.orders where id = v_order;
    when 3 then  -- a ticket closed now (its moment is this hour, not cached)
      update public.tickets set status = 'closed' where id = v_ticket and status not in ('closed', 'cancelled');
    when 4 then  -- a closed ticket reopened (its old closing leaves a past hour)
      update public.tickets set status = 'open' where id = v_ticket and status in ('closed', 'cancelled');
    when 5 then  -- a ticket deleted (its opening leaves a past hour)
      delete from public.tickets where id = v_ticket;
    when 6 then  -- a backdated ticket, done with its history
      insert into public.tickets (customer_id, device, issue, status, created_at, closed_at)
      values (md5('cache-c2')::uuid, 'Tablet', 'Battery', 'cancelled', v_past, v_past + interval '3 hours');
    when 7 then  -- a ticket's created_at moved back
      update public.tickets set created_at = created_at - interval '2 days'
       where id = v_ticket and status not in ('closed', 'cancelled');
    else  -- an order of now, and an item edit of an old order
      insert into public.orders (customer_id, status) values (md5('cache-c3')::uuid, 'paid');
      update public.order_items set quantity = quantity + 1 where order_id = v_order;
  end case;
end;
$$;

select pg_temp.random_write(i) from generate_series(1, 20) i;
set constraints all immediate;
set constraints all deferred;
-- 3-4: one transaction with 20 writes
select is(pg_temp.cache_mismatches(), 0::bigint, 'after one transaction of 20 random writes: equal to a recount');
select is((select count(*) from private.delta_hour_pending), 0::bigint, 'the flush consumed the pending ticket hours');

-- 5-8: 60 transactions of one write each, the deltas compared with dashboard_sync at the end
do $$
begin
  for i in 21 .. 80 loop
    perform pg_temp.random_write(i);
    set constraints all immediate;
    set constraints all deferred;
  end loop;
end;
$$;
select is(pg_temp.cache_mismatches(), 0::bigint, 'after 60 single-write transactions: equal to a recount');
select ok((select count(*) from private.delta_hour_adjust where tbl = 1) > 0, 'backdated orders were appended as adjustments');
select ok((select count(*) from private.delta_hour_adjust where tbl = 2) > 0, 'backdated ticket hours were appended as adjustments');
select is((pg_temp.delta() -> 'kpis') - 'as_of', (pg_temp.sync_admin() -> 'kpis') - 'as_of',
  'the last delta''s kpis are dashboard_sync''s');

-- 9-10: a ticket write that is the last of its transaction, with aging
select pg_temp.random_write(86);  -- 86 % 9 = 5: a delete
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta() -> 'ticket_status', pg_temp.sync_admin() -> 'ticket_status', 'ticket_status: dashboard_sync''s');
select is(pg_temp.aging(pg_temp.delta() -> 'ticket_aging'), pg_temp.aging(pg_temp.sync_admin() -> 'ticket_aging'),
  'ticket_aging: dashboard_sync''s');

-- 11-12: a marker (the hour turned inside a ticket-writing transaction) makes ticket ranges be read again
create temporary table seq_before as select tbl, lo, hi, seq from private.delta_window_cache;
insert into private.delta_hour_adjust (seq, tbl, bucket)
values (nextval('private.delta_hour_seq'), 2, date_trunc('hour', now(), 'UTC') - interval '30 hours');
-- with the marker, an unrecorded change after it inside cached ranges (as a write of the hour
-- that turned would be: its pending record is dropped here)
insert into private.ticket_hourly as h (bucket, slot, opened, activated, closed, cancelled)
values (date_trunc('hour', now(), 'UTC') - interval '29 hours', 99, 1, 1, 0, 0)
on conflict (bucket, slot) do update set opened = h.opened + 1, activated = h.activated + 1;
delete from private.delta_hour_pending;
select is(pg_temp.cache_mismatches(), 0::bigint, 'after a marker: equal to a recount');
select ok((select bool_and(w.seq > b.seq) from private.delta_window_cache w join seq_before b using (tbl, lo, hi)
            where w.tbl = 2 and w.hi > date_trunc('hour', now(), 'UTC') - interval '30 hours'),
  'the ticket ranges after the marker were read again');

-- 13-14: TRUNCATE of a counter table drops its ranges
truncate public.sales_hourly;
select is((select count(*) from private.delta_window_cache where tbl = 1), 0::bigint, 'truncate sales_hourly: its ranges go');
select is(pg_temp.cache_mismatches(), 0::bigint, 'after the truncate: equal to a recount');

-- 15-16: more random writes after it, then the delta's figures again
do $$
begin
  for i in 100 .. 130 loop
    perform pg_temp.random_write(i);
    set constraints all immediate;
    set constraints all deferred;
  end loop;
end;
$$;
select is(pg_temp.cache_mismatches(), 0::bigint, 'after 30 more transactions: equal to a recount');
select is((pg_temp.delta() -> 'kpis') - 'as_of', (pg_temp.sync_admin() -> 'kpis') - 'as_of',
  'the last delta''s kpis are dashboard_sync''s');

select * from finish();
rollback;

-- revenue_series_at_head (20261208010000): revenue_series' points together with the newest admin
-- delta its snapshot includes, so a tab that adds deltas to its own series knows which it holds.
-- "Commits" in this transaction by `set constraints all immediate` (as 014 and 019).
begin;
select plan(9);

insert into auth.users (id, email, aud, role) values
  ('b2000000-0000-4000-8000-000000000001', 'head.admin@example.com', 'authenticated', 'authenticated'),
  ('b2000000-0000-4000-8000-000000000002', 'head.support@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b2000000-0000-4000-8000-000000000001', 'Ada Head', 'admin'),
  ('b2000000-0000-4000-8000-000000000002', 'Sol Head', 'support');
create function pg_temp.delta() returns jsonb language sql as $$
  select m.payload from realtime.messages m where m.topic = 'dashboard:admin' and m.event = 'delta'
   order by (m.payload ->> 'seq')::bigint desc limit 1
$$;
create function pg_temp.as_user(p_user uuid) returns void language sql as $$
  select set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  select set_config('role', 'authenticated', true);
$$;
create function pg_temp.read_as(p_user uuid) returns jsonb language plpgsql as $$
declare
  v jsonb;
begin
  perform pg_temp.as_user(p_user);
  v := public.revenue_series_at_head(now() - interval '23 hours', now() + interval '1 hour', 'hour', 'UTC');
  perform set_config('role', 'none', true);
  return v;
end;
$$;
create function pg_temp.series_as(p_user uuid) returns jsonb language plpgsql as $$
declare
  v jsonb;
begin
  perform pg_temp.as_user(p_user);
  select jsonb_agg(jsonb_build_object('bucket_start', s.bucket_start, 'revenue_cents', s.revenue_cents,
                                      'orders_count', s.orders_count) order by s.bucket_start) into v
    from public.revenue_series(now() - interval '23 hours', now() + interval '1 hour', 'hour', 'UTC') s;
  perform set_config('role', 'none', true);
  return v;
end;
$$;
create function pg_temp.this_hour(p jsonb) returns bigint language sql as $$
  select (e ->> 'revenue_cents')::bigint from jsonb_array_elements(p -> 'points') e
   where (e ->> 'bucket_start')::timestamptz = date_trunc('hour', now(), 'UTC')
$$;

-- a committed delta, so the head is known
insert into public.customers (id, full_name, email) values
  ('c2000000-0000-4000-8000-000000000001', 'Hal Head', 'hal.head@example.com');
set constraints all immediate;
set constraints all deferred;
select pg_temp.read_as('b2000000-0000-4000-8000-000000000001') as before \gset

-- 1-3 the points are revenue_series' points; the head is the newest admin delta
select is(:'before'::jsonb -> 'points', pg_temp.series_as('b2000000-0000-4000-8000-000000000001'),
  'the points are revenue_series''s points for the same arguments');
select is((:'before'::jsonb ->> 'delta_seq')::bigint, (pg_temp.delta() ->> 'seq')::bigint,
  'delta_seq is the newest admin delta');
select is((:'before'::jsonb ->> 'delta_sent_at')::timestamptz, (pg_temp.delta() ->> 'sent_at')::timestamptz,
  'delta_sent_at is its sent_at');

-- 4-5 a paid order commits: the points and the head move together
insert into public.products (id, sku, name, price_cents) values
  ('d2000000-0000-4000-8000-000000000001', 'HEAD-ONE', 'Head cable', 1234);
insert into public.orders (id, customer_id, status) values
  ('e2000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'paid');
insert into public.order_items (id, order_id, product_id, quantity, unit_price_cents) values
  ('f2000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001',
   'd2000000-0000-4000-8000-000000000001', 1, 1234);
set constraints all immediate;
set constraints all deferred;
select pg_temp.read_as('b2000000-0000-4000-8000-000000000001') as after \gset
select is(pg_temp.this_hour(:'after'::jsonb) - pg_temp.this_hour(:'before'::jsonb), 1234::bigint,
  'the order''s revenue is in this hour''s point');
select is((:'after'::jsonb ->> 'delta_seq')::bigint, (pg_temp.delta() ->> 'seq')::bigint,
  'and the head is the order''s delta, in the same answer');

-- 6 shape
select is((select array_agg(k order by k) from jsonb_object_keys(:'after'::jsonb) k),
  array['delta_sent_at', 'delta_seq', 'points'], 'the answer has points, delta_seq and delta_sent_at');

-- 7-9 forbidden: support, anon; bad arguments as revenue_series
select throws_ok($$select pg_temp.read_as('b2000000-0000-4000-8000-000000000002')$$, '42501',
  'revenue is available to admins only', 'support may not read it');
set local role anon;
select throws_ok($$select public.revenue_series_at_head(now() - interval '1 day', now(), 'hour', 'UTC')$$, '42501',
  null, 'anon may not call it');
reset role;
select pg_temp.as_user('b2000000-0000-4000-8000-000000000001');
select throws_ok($$select public.revenue_series_at_head(now() - interval '1 day', now(), 'week', 'UTC')$$, '22023',
  null, 'a bucket revenue_series refuses is refused too');
reset role;

select * from finish();
rollback;

-- dashboard_sync / revenue_series arguments that were accepted by mistake: a null p_tz or
-- p_bucket (22023, never empty revenue); the p_after_at anchor (reissued ids under one epoch);
-- entity_detail's deleted customer: open_tickets is null (the log never held it).
begin;
select plan(14);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;
set constraints all immediate;  -- number the activity rows as a commit would, per statement

insert into auth.users (id, email, aud, role) values
  ('b1300000-0000-4000-8000-000000000001', 'args.admin@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1300000-0000-4000-8000-000000000001', 'Args Admin', 'admin');

select set_config('request.jwt.claims', '{"sub":"b1300000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

select throws_ok($$ select public.dashboard_sync(p_revenue_from => now() - interval '2 days', p_tz => null) $$,
  '22023', null, 'dashboard_sync refuses a null p_tz');
select throws_ok($$ select public.dashboard_sync(p_tz => null) $$,
  '22023', null, 'dashboard_sync refuses a null p_tz without p_revenue_from too');
select throws_ok($$ select * from public.revenue_series(now() - interval '2 days', now(), 'day', null) $$,
  '22023', null, 'revenue_series refuses a null p_tz');
select throws_ok($$ select public.dashboard_sync(p_bucket => null) $$,
  '22023', null, 'dashboard_sync refuses a null p_bucket');

-- The anchor. Three customer rows; the cursor is the newest one.
reset role;
insert into public.customers (full_name, email) values ('Anchor One', 'anchor1@example.com');
insert into public.customers (full_name, email) values ('Anchor Two', 'anchor2@example.com');
insert into public.customers (full_name, email) values ('Anchor Three', 'anchor3@example.com');
create temp table anchor on commit drop as
  select max(id) as id, (select occurred_at from public.activity_log order by id desc limit 1) as at,
         private.activity_epoch() as epoch
    from public.activity_log;
grant select on anchor to authenticated;
select set_config('request.jwt.claims', '{"sub":"b1300000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

select is((select (public.dashboard_sync(p_after => id, p_epoch => epoch, p_after_at => at) ->> 'reset')::boolean from anchor),
  false, 'the anchor row is there with its occurred_at: no reset');
select is((select jsonb_array_length(public.dashboard_sync(p_after => id, p_epoch => epoch, p_after_at => at) -> 'feed') from anchor),
  0, 'matching anchor: only the rows after the cursor (none)');
select is((select (public.dashboard_sync(p_after => id, p_epoch => epoch,
                     p_after_at => date_trunc('milliseconds', at)) ->> 'reset')::boolean from anchor),
  false, 'an occurred_at cut to the millisecond (as a JavaScript date holds it) still matches');
select is((select (public.dashboard_sync(p_after => id, p_epoch => epoch, p_after_at => at - interval '1 minute') ->> 'reset')::boolean from anchor),
  true, 'the row with id = p_after has another occurred_at: reset');
select is((select jsonb_array_length(public.dashboard_sync(p_after => id, p_epoch => epoch, p_after_at => at - interval '1 minute') -> 'feed') from anchor),
  3, 'a reset by the anchor answers a fresh snapshot (every visible row)');
-- the row was removed (ids reissued below it, the cursor row gone): reset
reset role;
delete from public.activity_log where id = (select id from anchor);
select set_config('request.jwt.claims', '{"sub":"b1300000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;
select is((select (public.dashboard_sync(p_after => id, p_epoch => epoch, p_after_at => at) ->> 'reset')::boolean from anchor),
  true, 'the row with id = p_after is missing: reset');
select is((select (public.dashboard_sync(p_after => id, p_epoch => epoch) ->> 'reset')::boolean from anchor),
  false, 'without p_after_at the call answers as before (no anchor check)');

select is((select count(*)::int from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'public' and p.proname = 'dashboard_sync'),
  1, 'one dashboard_sync: the old signature was dropped, no overload');

-- entity_detail: a deleted customer's open_tickets is null, not 0
reset role;
insert into public.customers (id, full_name, email) values
  ('c1300000-0000-4000-8000-000000000009', 'Gone Args', 'gone.args@example.com');
delete from public.customers where id = 'c1300000-0000-4000-8000-000000000009';
select set_config('request.jwt.claims', '{"sub":"b1300000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;
select is(jsonb_typeof(public.entity_detail('customer', 'c1300000-0000-4000-8000-000000000009') -> 'entity' -> 'open_tickets'),
  'null', 'deleted customer: open_tickets is null (the log never held it)');
select is((public.entity_detail('customer', 'c1300000-0000-4000-8000-000000000009') ->> 'deleted')::boolean,
  true, 'deleted customer: deleted');

select * from finish();
rollback;

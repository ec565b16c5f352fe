-- dashboard_sync / revenue_series arguments that were accepted by mistake: a null p_tz or
-- p_bucket (22023, never empty revenue).
begin;
select plan(4);

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

select * from finish();
rollback;

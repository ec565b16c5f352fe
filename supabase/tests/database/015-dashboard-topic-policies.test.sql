-- Realtime Authorization on the dashboard topics. Realtime decides a private join by inserting
-- probe rows for the topic (as its admin), then reading them as the JWT's role with
-- request.jwt.claims and realtime.topic set; a client broadcast is an INSERT as that role. This
-- file does the same: admin reads only dashboard:admin, support only dashboard:support, anon and
-- non-staff nothing, and nobody inserts on either topic, even past a later permissive policy.
begin;
select plan(22);

insert into auth.users (id, email, aud, role) values
  ('b1500000-0000-4000-8000-000000000001', 'topic.admin@example.com', 'authenticated', 'authenticated'),
  ('b1500000-0000-4000-8000-000000000002', 'topic.support@example.com', 'authenticated', 'authenticated'),
  ('b1500000-0000-4000-8000-000000000003', 'topic.customer@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1500000-0000-4000-8000-000000000001', 'Ada Topic', 'admin'),
  ('b1500000-0000-4000-8000-000000000002', 'Sol Topic', 'support');

-- Probe rows, as Realtime inserts them before the check.
insert into realtime.messages (id, topic, extension) values
  ('f1500000-0000-4000-8000-000000000001', 'dashboard:admin', 'broadcast'),
  ('f1500000-0000-4000-8000-000000000002', 'dashboard:support', 'broadcast'),
  ('f1500000-0000-4000-8000-000000000003', 'dashboard:admin', 'presence'),
  ('f1500000-0000-4000-8000-000000000004', 'dashboard:support', 'presence');

-- Whether p_claims (as p_role) may read the broadcast probe of p_topic, with realtime.topic set to
-- p_checked_topic (normally the same topic).
create function pg_temp.can_read(p_role text, p_claims text, p_topic text, p_extension text = 'broadcast',
                                 p_checked_topic text = null) returns boolean language plpgsql as $$
declare
  v boolean;
begin
  perform set_config('request.jwt.claims', coalesce(p_claims, ''), true);
  perform set_config('request.jwt.claim.sub', coalesce(p_claims::jsonb ->> 'sub', ''), true);
  perform set_config('realtime.topic', coalesce(p_checked_topic, p_topic), true);
  perform set_config('role', p_role, true);
  select exists (select 1 from realtime.messages m where m.topic = p_topic and m.extension = p_extension) into v;
  perform set_config('role', 'none', true);
  return v;
end;
$$;
-- A client broadcast: an INSERT as p_role with realtime.topic set; '42501' when refused.
create function pg_temp.try_insert(p_role text, p_claims text, p_topic text) returns text language plpgsql as $$
begin
  perform set_config('request.jwt.claims', coalesce(p_claims, ''), true);
  perform set_config('request.jwt.claim.sub', coalesce(p_claims::jsonb ->> 'sub', ''), true);
  perform set_config('realtime.topic', p_topic, true);
  perform set_config('role', p_role, true);
  begin
    insert into realtime.messages (topic, extension, event, payload, private)
    values (p_topic, 'broadcast', 'delta', '{"forged": true}', true);
    perform set_config('role', 'none', true);
    return 'inserted';
  exception when others then
    perform set_config('role', 'none', true);
    return sqlstate;
  end;
end;
$$;

\set admin '{"sub":"b1500000-0000-4000-8000-000000000001","role":"authenticated"}'
\set support '{"sub":"b1500000-0000-4000-8000-000000000002","role":"authenticated"}'
\set customer '{"sub":"b1500000-0000-4000-8000-000000000003","role":"authenticated"}'

-- 1-2 the policies exist
select policies_are('realtime', 'messages',
  array['staff read their role''s dashboard topic', 'no client writes to dashboard topics'],
  'realtime.messages has exactly the dashboard''s two policies');
select is((select permissive from pg_policies where schemaname = 'realtime' and tablename = 'messages'
            and policyname = 'no client writes to dashboard topics'), 'RESTRICTIVE', 'the write guard is restrictive');

-- 3-6 admin
select ok(pg_temp.can_read('authenticated', :'admin', 'dashboard:admin'), 'admin reads dashboard:admin');
select ok(not pg_temp.can_read('authenticated', :'admin', 'dashboard:support'), 'admin does not read dashboard:support');
select ok(not pg_temp.can_read('authenticated', :'admin', 'dashboard:admin', 'presence'), 'admin: no presence read');
select ok(not pg_temp.can_read('authenticated', :'admin', 'dashboard:support', 'broadcast', 'dashboard:admin'),
  'checking dashboard:admin does not open another topic''s rows');

-- 7-9 support
select ok(pg_temp.can_read('authenticated', :'support', 'dashboard:support'), 'support reads dashboard:support');
select ok(not pg_temp.can_read('authenticated', :'support', 'dashboard:admin'), 'support does not read dashboard:admin');
select ok(not pg_temp.can_read('authenticated', :'support', 'dashboard:admin', 'broadcast', 'dashboard:support'),
  'support checking its own topic still never sees admin rows');

-- 10-14 nobody else, and never an error
select ok(not pg_temp.can_read('authenticated', :'customer', 'dashboard:admin')
          and not pg_temp.can_read('authenticated', :'customer', 'dashboard:support'), 'a non-staff user reads neither');
select ok(not pg_temp.can_read('anon', '{"role":"anon"}', 'dashboard:admin')
          and not pg_temp.can_read('anon', '{"role":"anon"}', 'dashboard:support'), 'anon reads neither');
select lives_ok($$select pg_temp.can_read('authenticated', '{"sub":"not-a-uuid","role":"authenticated"}', 'dashboard:admin')$$,
  'a non-uuid sub does not raise');
select ok(not pg_temp.can_read('authenticated', '{"sub":"not-a-uuid","role":"authenticated"}', 'dashboard:admin'),
  'and reads nothing');
select ok(not pg_temp.can_read('authenticated', '{"role":"authenticated"}', 'dashboard:admin'), 'no sub: nothing');

-- 15-19 nobody writes the topics
select is(pg_temp.try_insert('authenticated', :'admin', 'dashboard:admin'), '42501', 'admin cannot broadcast on dashboard:admin');
select is(pg_temp.try_insert('authenticated', :'support', 'dashboard:support'), '42501',
  'support cannot broadcast on dashboard:support');
select is(pg_temp.try_insert('authenticated', :'support', 'dashboard:admin'), '42501', 'support cannot forge an admin delta');
select is(pg_temp.try_insert('anon', '{"role":"anon"}', 'dashboard:admin'), '42501', 'anon cannot either');
select is((select count(*)::int from realtime.messages where payload ->> 'forged' = 'true'), 0, 'no forged row exists');

-- 20-22 a later, careless permissive INSERT policy still cannot open the dashboard topics
create policy "test: anyone writes anything" on realtime.messages for insert to authenticated with check (true);
select is(pg_temp.try_insert('authenticated', :'admin', 'dashboard:admin'), '42501',
  'with a permissive INSERT policy for everything, dashboard:admin stays closed');
select is(pg_temp.try_insert('authenticated', :'support', 'dashboard:support'), '42501', 'and dashboard:support');
select is(pg_temp.try_insert('authenticated', :'admin', 'chat:lobby'), 'inserted', 'while other topics follow that policy');

select * from finish();
rollback;

-- Activity ids become visible in increasing order, tested with two overlapping transactions.
-- pgTAP runs in one session, so the writers are two dblink sessions that really commit; this
-- session reads between their steps like a polling dashboard. Cleans up what they committed.
begin;
create extension if not exists dblink with schema extensions;
select plan(9);

select extensions.dblink_connect(name, format('host=%s port=%s dbname=%s user=postgres password=postgres',
         host(inet_server_addr()), inet_server_port(), current_database()))
  from unnest(array['order_setup', 'order_slow', 'order_fast']) name;
select extensions.dblink_exec('order_fast', 'set statement_timeout = ''5s''');

-- Leftovers of an interrupted earlier run.
select extensions.dblink_exec('order_setup', $$delete from public.tickets where id in
  ('a5000000-0000-4000-8000-000000000001', 'a5000000-0000-4000-8000-000000000002')$$);
select extensions.dblink_exec('order_setup', $$delete from public.customers where id = 'c5000000-0000-4000-8000-000000000001'$$);
select extensions.dblink_exec('order_setup', $$delete from public.activity_log where entity_id in
  ('a5000000-0000-4000-8000-000000000001', 'a5000000-0000-4000-8000-000000000002', 'c5000000-0000-4000-8000-000000000001')$$);

select extensions.dblink_exec('order_setup', $$insert into public.customers (id, full_name, email)
  values ('c5000000-0000-4000-8000-000000000001', 'Cora Commit', 'cora.commit@example.com')$$);

-- The slow writer starts first and inserts first ...
select extensions.dblink_exec('order_slow', 'begin');
select extensions.dblink_exec('order_slow', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a5000000-0000-4000-8000-000000000001', 'c5000000-0000-4000-8000-000000000001', 'Slow phone', 'Slow')$$);

-- 1 ... the fast writer inserts later and commits while the slow one is still open.
select lives_ok(
  $$select extensions.dblink_exec('order_fast', $q$insert into public.tickets (id, customer_id, device, issue)
      values ('a5000000-0000-4000-8000-000000000002', 'c5000000-0000-4000-8000-000000000001', 'Fast phone', 'Fast')$q$)$$,
  'a writer commits while another writing transaction is open (no long lock)');

-- 2-3 a reader polls now and keeps the newest id as its cursor
select is((select count(*)::int from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000002'), 1,
  'the committed writer''s activity is visible');
select is((select count(*)::int from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000001'), 0,
  'the open writer''s activity is not');
create temporary table reader_cursor as select max(id) as id from public.activity_log;

select extensions.dblink_exec('order_slow', 'commit');

-- 4-6 the slow writer's row appears after the cursor, never behind it
select is((select count(*)::int from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000001'), 1,
  'after commit the slow writer''s activity is visible');
select cmp_ok(
  (select id from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000001'), '>',
  (select id from reader_cursor), 'it got an id above the cursor the reader already holds');
select cmp_ok(
  (select id from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000001'), '>',
  (select id from public.activity_log where entity_id = 'a5000000-0000-4000-8000-000000000002'),
  'commit order, not insert order, decides the ids');

-- 7 contrast: the ticket number is an identity taken at insert, so it runs the other way
select cmp_ok(
  (select number from public.tickets where id = 'a5000000-0000-4000-8000-000000000001'), '<',
  (select number from public.tickets where id = 'a5000000-0000-4000-8000-000000000002'),
  'an id taken at insert (tickets.number) would have put the slow row behind the cursor');

-- 8 catch-up from the cursor finds it
select ok(
  (select bool_or(entity_id = 'a5000000-0000-4000-8000-000000000001')
     from public.activity_log where id > (select id from reader_cursor)),
  'catching up with id > cursor returns the slow writer''s row');

-- 9 nothing is left waiting
select is((select count(*)::int from private.activity_pending), 0, 'no activity is left pending');

-- Clean up what the writers committed.
select extensions.dblink_exec('order_setup', $$delete from public.tickets where id in
  ('a5000000-0000-4000-8000-000000000001', 'a5000000-0000-4000-8000-000000000002')$$);
select extensions.dblink_exec('order_setup', $$delete from public.customers where id = 'c5000000-0000-4000-8000-000000000001'$$);
select extensions.dblink_exec('order_setup', $$delete from public.activity_log where entity_id in
  ('a5000000-0000-4000-8000-000000000001', 'a5000000-0000-4000-8000-000000000002', 'c5000000-0000-4000-8000-000000000001')$$);
select extensions.dblink_disconnect(name) from unnest(array['order_setup', 'order_slow', 'order_fast']) name;

select * from finish();
rollback;

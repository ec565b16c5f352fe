-- Deltas follow commit order and their figures never go back, with real concurrent writers:
-- dblink sessions that really commit (pgTAP runs in one session), as in 005. A slow writer starts
-- first, a fast one commits in between, a third rolls back; then a REPEATABLE READ writer whose
-- snapshot misses a commit. Cleans up what they committed, messages included.
begin;
create extension if not exists dblink with schema extensions;
select plan(15);

select extensions.dblink_connect(name, format('host=%s port=%s dbname=%s user=postgres password=postgres',
         host(inet_server_addr()), inet_server_port(), current_database()))
  from unnest(array['delta_setup', 'delta_slow', 'delta_fast', 'delta_rollback', 'delta_rr', 'delta_a', 'delta_b']) name;
select extensions.dblink_exec(name, 'set statement_timeout = ''10s''')
  from unnest(array['delta_setup', 'delta_slow', 'delta_fast', 'delta_rollback', 'delta_rr', 'delta_a', 'delta_b']) name;

create temporary table cleanup_sql as select $$
  delete from public.orders where customer_id = 'c1600000-0000-4000-8000-000000000001';
  delete from public.tickets where customer_id = 'c1600000-0000-4000-8000-000000000001';
  delete from public.customers where id = 'c1600000-0000-4000-8000-000000000001';
  delete from public.products where id = 'd1600000-0000-4000-8000-000000000001';
  delete from public.activity_log where entity_id in (
    'a1600000-0000-4000-8000-000000000001', 'a1600000-0000-4000-8000-000000000002', 'a1600000-0000-4000-8000-000000000003',
    'a1600000-0000-4000-8000-000000000005', 'a1600000-0000-4000-8000-000000000006',
    'a1600000-0000-4000-8000-000000000007', 'e1600000-0000-4000-8000-000000000001',
    'c1600000-0000-4000-8000-000000000001', 'd1600000-0000-4000-8000-000000000001');
$$ as data;
select extensions.dblink_exec('delta_setup', data) from cleanup_sql;

select clock_timestamp() as started \gset
select extensions.dblink_exec('delta_setup', $$insert into public.customers (id, full_name, email)
  values ('c1600000-0000-4000-8000-000000000001', 'Cora Delta', 'cora.delta@example.com')$$);
select extensions.dblink_exec('delta_setup', $$insert into public.products (id, sku, name, price_cents)
  values ('d1600000-0000-4000-8000-000000000001', 'DELTA-CONC', 'Concurrent cable', 1000)$$);

-- The slow writer starts first and inserts first ...
select extensions.dblink_exec('delta_slow', 'begin');
select extensions.dblink_exec('delta_slow', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000001', 'c1600000-0000-4000-8000-000000000001', 'Slow phone', 'Slow')$$);
-- ... the fast one places a paid order and a ticket and commits while the slow one is open ...
select extensions.dblink_exec('delta_fast', 'begin');
select extensions.dblink_exec('delta_fast', $$insert into public.orders (id, customer_id, status)
  values ('e1600000-0000-4000-8000-000000000001', 'c1600000-0000-4000-8000-000000000001', 'paid')$$);
select extensions.dblink_exec('delta_fast', $$insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
  values ('e1600000-0000-4000-8000-000000000001', 'd1600000-0000-4000-8000-000000000001', 3, 1000)$$);
select extensions.dblink_exec('delta_fast', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000002', 'c1600000-0000-4000-8000-000000000001', 'Fast phone', 'Fast')$$);
select extensions.dblink_exec('delta_fast', 'commit');
-- ... a third rolls back ...
select extensions.dblink_exec('delta_rollback', 'begin');
select extensions.dblink_exec('delta_rollback', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000003', 'c1600000-0000-4000-8000-000000000001', 'Rolled phone', 'Rolled')$$);
select extensions.dblink_exec('delta_rollback', 'rollback');
-- ... and the slow one commits last.
select extensions.dblink_exec('delta_slow', 'commit');

-- A REPEATABLE READ writer takes its snapshot, then another transaction commits a ticket.
select extensions.dblink_exec('delta_rr', 'begin isolation level repeatable read');
select * from extensions.dblink('delta_rr', 'select count(*) from public.tickets') as t(n bigint);
select extensions.dblink_exec('delta_setup', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000005', 'c1600000-0000-4000-8000-000000000001', 'Between phone', 'Between')$$);
select extensions.dblink_exec('delta_rr', $$update public.tickets set priority = 'high'
  where id = 'a1600000-0000-4000-8000-000000000001'$$);
select extensions.dblink_exec('delta_rr', 'commit');

-- Two commits at the same moment: this session holds the numbering lock while both writers
-- reach COMMIT, so both wait in their flush; then it lets them go. The second to get the lock
-- must still start from the first one's cursor (its cursors are read under the lock, not before).
select extensions.dblink_exec(name, 'begin') from unnest(array['delta_a', 'delta_b']) name;
select extensions.dblink_exec('delta_a', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000006', 'c1600000-0000-4000-8000-000000000001', 'Phone A', 'Together')$$);
select extensions.dblink_exec('delta_b', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1600000-0000-4000-8000-000000000007', 'c1600000-0000-4000-8000-000000000001', 'Phone B', 'Together')$$);
select pg_advisory_lock(7363526110450217);
select extensions.dblink_send_query(name, 'commit') from unnest(array['delta_a', 'delta_b']) name;
select pg_sleep(0.3);
select pg_advisory_unlock(7363526110450217);
select * from extensions.dblink_get_result('delta_a') as t(r text);
select * from extensions.dblink_get_result('delta_b') as t(r text);

create temporary table got as
  select m.topic, m.payload, (m.payload ->> 'sent_at')::timestamptz as sent_at,
         case when (m.payload -> 'feed')::text like '%a1600000-0000-4000-8000-000000000001%' then 'slow'
              when (m.payload -> 'feed')::text like '%a1600000-0000-4000-8000-000000000002%' then 'fast'
              when (m.payload -> 'feed')::text like '%a1600000-0000-4000-8000-000000000005%' then 'between'
              when (m.payload -> 'feed')::text like '%a1600000-0000-4000-8000-000000000006%' then 'together a'
              when (m.payload -> 'feed')::text like '%a1600000-0000-4000-8000-000000000007%' then 'together b'
              when (m.payload ->> 'from_cursor')::bigint = -1 then 'rr' end as writer
    from realtime.messages m
   where m.topic like 'dashboard:%' and (m.payload ->> 'sent_at')::timestamptz >= :'started';
create function pg_temp.d(p_writer text, p_topic text = 'dashboard:admin') returns jsonb language sql as $$
  select g.payload from got g where g.writer = p_writer and g.topic = p_topic
$$;

-- 1-7 commit order, chained cursors, figures that never go back
select ok((select sent_at from got where writer = 'slow' and topic = 'dashboard:admin')
          > (select sent_at from got where writer = 'fast' and topic = 'dashboard:admin'),
  'the slow writer''s delta comes after the fast one''s: commit order');
select is(pg_temp.d('slow') -> 'from_cursor', pg_temp.d('fast') -> 'cursor', 'its from_cursor is the fast delta''s cursor');
select cmp_ok((pg_temp.d('slow') ->> 'cursor')::bigint, '>', (pg_temp.d('fast') ->> 'cursor')::bigint,
  'and its cursor is higher, though it inserted first');
select is((pg_temp.d('slow') #>> '{kpis,new_tickets_24h}')::int, (pg_temp.d('fast') #>> '{kpis,new_tickets_24h}')::int + 1,
  'its KPIs count the fast writer''s ticket and its own');
select is(pg_temp.d('slow') #> '{kpis,total_revenue_cents}', pg_temp.d('fast') #> '{kpis,total_revenue_cents}',
  'its revenue includes the fast writer''s order (never goes back)');
select is(pg_temp.d('fast') #> '{revenue,0,revenue_cents}', '3000'::jsonb, 'the fast delta carries its order''s revenue');
select is(pg_temp.d('slow', 'dashboard:support') -> 'from_cursor', pg_temp.d('fast', 'dashboard:support') -> 'cursor',
  'support deltas chain the same way');

-- 8 rollback
select is((select count(*)::int from realtime.messages where payload::text like '%a1600000-0000-4000-8000-000000000003%'),
  0, 'a rolled-back writer sent nothing');

-- 9-11 a REPEATABLE READ writer: from_cursor -1 (every client syncs), cursor above what it missed
select is((select count(*)::int from got where writer = 'rr'), 2, 'the REPEATABLE READ writer sent both audiences a delta');
select is(pg_temp.d('rr', 'dashboard:support') -> 'from_cursor', '-1'::jsonb, 'marked from_cursor -1');
select cmp_ok((pg_temp.d('rr') ->> 'cursor')::bigint, '>=', (pg_temp.d('between') ->> 'cursor')::bigint,
  'its cursor is not behind the commit its snapshot missed');

-- 12-13 commits released at the same moment still chain
select is((select count(*)::int from got where writer like 'together %' and topic = 'dashboard:admin'), 2,
  'both simultaneous writers sent their delta');
select is((select (payload ->> 'from_cursor')::bigint from got where writer like 'together %' and topic = 'dashboard:admin'
            order by sent_at desc limit 1),
          (select (payload ->> 'cursor')::bigint from got where writer like 'together %' and topic = 'dashboard:admin'
            order by sent_at limit 1),
  'the second to commit starts from the first one''s cursor');

-- 14-15 over all of them: the admin cursors never go back, and ids never repeat
select ok((select bool_and(c >= prev) from (
             select (payload ->> 'cursor')::bigint as c, lag((payload ->> 'cursor')::bigint, 1, 0) over (order by sent_at) as prev
               from got where topic = 'dashboard:admin') x), 'admin cursors never go back, in commit order');
select is((select count(distinct payload ->> 'id')::int from got), (select count(*)::int from got), 'every message is its own');

select extensions.dblink_exec('delta_setup', data) from cleanup_sql;
select extensions.dblink_exec('delta_setup', format($$delete from realtime.messages where topic like 'dashboard:%%'
  and (payload ->> 'sent_at')::timestamptz >= %L$$, :'started'));
select extensions.dblink_disconnect(name)
  from unnest(array['delta_setup', 'delta_slow', 'delta_fast', 'delta_rollback', 'delta_rr', 'delta_a', 'delta_b']) name;

select * from finish();
rollback;

-- Delta contract v2 (docs/delta-contract.md): every delta's `seq` numbers its topic's deltas in
-- commit order, dashboard_sync's delta_seq / delta_sent_at are the newest delta in its snapshot,
-- REPEATABLE READ writers still commit, and `touched` names what the transaction changed.
-- First real commits through dblink sessions (as 016), cleaned up after; then, in this
-- transaction, "commits" by `set constraints all immediate` (as 014).
begin;
create extension if not exists dblink with schema extensions;
select plan(26);

select extensions.dblink_connect(name, format('host=%s port=%s dbname=%s user=postgres password=postgres',
         host(inet_server_addr()), inet_server_port(), current_database()))
  from unnest(array['seq_setup', 'seq_a', 'seq_rr']) name;
select extensions.dblink_exec(name, 'set statement_timeout = ''10s''') from unnest(array['seq_setup', 'seq_a', 'seq_rr']) name;

create temporary table cleanup_sql as select $$
  delete from public.tickets where customer_id = 'c1900000-0000-4000-8000-000000000001';
  delete from public.customers where id = 'c1900000-0000-4000-8000-000000000001';
  delete from public.activity_log where entity_id in (
    'a1900000-0000-4000-8000-000000000001', 'a1900000-0000-4000-8000-000000000002',
    'a1900000-0000-4000-8000-000000000003', 'c1900000-0000-4000-8000-000000000001');
$$ as data;
select extensions.dblink_exec('seq_setup', data) from cleanup_sql;

select clock_timestamp() as started \gset
select extensions.dblink_exec('seq_setup', $$insert into public.customers (id, full_name, email)
  values ('c1900000-0000-4000-8000-000000000001', 'Sam Seq', 'sam.seq@example.com')$$);
select extensions.dblink_exec('seq_setup', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1900000-0000-4000-8000-000000000001', 'c1900000-0000-4000-8000-000000000001', 'Phone', 'One')$$);
-- A REPEATABLE READ writer takes its snapshot; another writer commits (a new head row and a
-- pruned-or-not head table behind its snapshot); the RR writer changes a priority and commits.
select extensions.dblink_exec('seq_rr', 'begin isolation level repeatable read');
select * from extensions.dblink('seq_rr', 'select count(*) from public.tickets') as t(n bigint);
select extensions.dblink_exec('seq_a', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1900000-0000-4000-8000-000000000002', 'c1900000-0000-4000-8000-000000000001', 'Tablet', 'Two')$$);
select extensions.dblink_exec('seq_rr', $$update public.tickets set priority = 'urgent'
  where id = 'a1900000-0000-4000-8000-000000000001'$$);
-- 1
select lives_ok($$select extensions.dblink_exec('seq_rr', 'commit')$$, 'a REPEATABLE READ writer still commits');
select extensions.dblink_exec('seq_setup', $$insert into public.tickets (id, customer_id, device, issue)
  values ('a1900000-0000-4000-8000-000000000003', 'c1900000-0000-4000-8000-000000000001', 'Watch', 'Three')$$);

create temporary table got as
  select m.topic, (m.payload ->> 'seq')::bigint as seq, (m.payload ->> 'sent_at')::timestamptz as sent_at,
         (m.payload ->> 'from_cursor')::bigint as from_cursor, m.payload
    from realtime.messages m
   where m.topic like 'dashboard:%' and m.event = 'delta' and (m.payload ->> 'sent_at')::timestamptz >= :'started';

-- 2-7 numbered in commit order, contiguous, one head row per delta
select is((select count(*)::int from got where topic = 'dashboard:admin'), 5, 'five commits, five admin deltas');
select is((select max(seq) - min(seq) + 1 from got where topic = 'dashboard:admin'), 5::bigint,
  'their numbers are contiguous');
select is((select array_agg(seq order by sent_at) from got where topic = 'dashboard:admin'),
          (select array_agg(seq order by seq) from got where topic = 'dashboard:admin'),
  'and in commit (sent_at) order');
select is((select max(seq) - min(seq) + 1 from got where topic = 'dashboard:support'),
          (select count(*) from got where topic = 'dashboard:support'), 'support''s own numbers are contiguous too');
select is((select count(*)::int from got where topic = 'dashboard:admin' and from_cursor = -1), 1,
  'the REPEATABLE READ writer''s delta is numbered (from_cursor -1)');
select is((select array_agg(h.sent_at order by h.seq) from private.dashboard_delta_heads h
            where h.topic = 'dashboard:admin' and h.seq in (select seq from got where topic = 'dashboard:admin')),
          (select array_agg(g.sent_at order by g.seq) from got g where g.topic = 'dashboard:admin'),
  'each delta appended its head row (seq, sent_at)');

-- 8-9 each delta names the one before it (prev_sent_at), but a REPEATABLE READ writer's (unknown)
select is((select count(*)::int from got g join got p on p.topic = g.topic and p.seq = g.seq - 1
            where g.topic = 'dashboard:admin' and g.from_cursor <> -1
              and (g.payload ->> 'prev_sent_at')::timestamptz is distinct from p.sent_at), 0,
  'prev_sent_at is the previous delta''s sent_at');
select is((select g.payload -> 'prev_sent_at' from got g where g.topic = 'dashboard:admin' and g.from_cursor = -1),
  'null'::jsonb, 'a REPEATABLE READ writer''s prev_sent_at is null (its snapshot may not show the previous)');

select extensions.dblink_exec('seq_setup', data) from cleanup_sql;
select extensions.dblink_disconnect(name) from unnest(array['seq_setup', 'seq_a', 'seq_rr']) name;

-- In this transaction ---------------------------------------------------------------------------
insert into auth.users (id, email, aud, role) values
  ('b1900000-0000-4000-8000-000000000001', 'seq.admin@example.com', 'authenticated', 'authenticated'),
  ('b1900000-0000-4000-8000-000000000002', 'seq.support@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1900000-0000-4000-8000-000000000001', 'Ada Seq', 'admin'),
  ('b1900000-0000-4000-8000-000000000002', 'Sol Seq', 'support');
create function pg_temp.delta(p_topic text) returns jsonb language sql as $$
  select m.payload from realtime.messages m where m.topic = p_topic and m.event = 'delta'
   order by (m.payload ->> 'seq')::bigint desc limit 1
$$;
create function pg_temp.sync_as(p_user uuid) returns jsonb language plpgsql as $$
declare
  v jsonb;
begin
  perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  perform set_config('role', 'authenticated', true);
  v := public.dashboard_sync();
  perform set_config('role', 'none', true);
  return v;
end;
$$;

insert into public.customers (id, full_name, email) values
  ('c1900000-0000-4000-8000-000000000002', 'Tia Touch', 'tia.touch@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d1900000-0000-4000-8000-000000000001', 'SEQ-ONE', 'Cable', 1000);
insert into public.tickets (id, customer_id, device, issue) values
  ('a1900000-0000-4000-8000-000000000009', 'c1900000-0000-4000-8000-000000000002', 'Laptop', 'Hinge');
insert into public.orders (id, customer_id, status) values
  ('e1900000-0000-4000-8000-000000000001', 'c1900000-0000-4000-8000-000000000002', 'paid');
insert into public.order_items (id, order_id, product_id, quantity, unit_price_cents) values
  ('f1900000-0000-4000-8000-000000000001', 'e1900000-0000-4000-8000-000000000001', 'd1900000-0000-4000-8000-000000000001', 1, 1000);
set constraints all immediate;
set constraints all deferred;
select (pg_temp.delta('dashboard:admin') ->> 'seq')::bigint as admin_seq,
       (pg_temp.delta('dashboard:support') ->> 'seq')::bigint as support_seq \gset

-- 10-12 a ticket priority change: no activity row, but the ticket is touched, for both audiences
update public.tickets set priority = 'high' where id = 'a1900000-0000-4000-8000-000000000009';
set constraints all immediate;
set constraints all deferred;
select is((pg_temp.delta('dashboard:admin') ->> 'seq')::bigint, (:admin_seq + 1)::bigint, 'the next admin delta is numbered one more');
select is(pg_temp.delta('dashboard:admin') -> 'touched',
  '{"tickets": ["a1900000-0000-4000-8000-000000000009"], "orders": [], "customers": [], "products": []}'::jsonb,
  'a priority change touches its ticket');
select is(pg_temp.delta('dashboard:support') -> 'touched' -> 'tickets', '["a1900000-0000-4000-8000-000000000009"]'::jsonb,
  'support sees the ticket touched too');

-- 13-16 an order line edited on a paid order: the order is touched; support gets no delta of it
update public.order_items set quantity = 2 where id = 'f1900000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is((pg_temp.delta('dashboard:admin') ->> 'seq')::bigint, (:admin_seq + 2)::bigint, 'numbered one more again');
select is(pg_temp.delta('dashboard:admin') -> 'touched' -> 'orders', '["e1900000-0000-4000-8000-000000000001"]'::jsonb,
  'an order line edit touches its order');
select is((pg_temp.delta('dashboard:support') ->> 'seq')::bigint, (:support_seq + 1)::bigint,
  'support: no delta for an order-only transaction (its last is the priority change)');
select is(pg_temp.delta('dashboard:support') -> 'touched' -> 'orders', '[]'::jsonb, 'support is never told of an order');

-- 17-19 a product rename
update public.products set name = 'Braided cable' where id = 'd1900000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') -> 'touched' -> 'products', '["d1900000-0000-4000-8000-000000000001"]'::jsonb,
  'a rename touches its product');
select is(pg_temp.delta('dashboard:support') -> 'touched' -> 'products', '["d1900000-0000-4000-8000-000000000001"]'::jsonb,
  'for support too');
select is((pg_temp.delta('dashboard:support') ->> 'seq')::bigint, (:support_seq + 2)::bigint, 'support numbers only its own deltas');

-- 20-21 more than 100 entities: 'many'; a delete touches what it deleted
insert into public.customers (full_name, email)
  select 'Bulk ' || i, 'bulk.' || i || '@example.com' from generate_series(1, 101) i;
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') -> 'touched' -> 'customers', '"many"'::jsonb, 'past 100 ids: many');
delete from public.order_items where id = 'f1900000-0000-4000-8000-000000000001';
set constraints all immediate;
set constraints all deferred;
select is(pg_temp.delta('dashboard:admin') -> 'touched' -> 'orders', '["e1900000-0000-4000-8000-000000000001"]'::jsonb,
  'a deleted line touches its order');

-- 22-25 dashboard_sync's delta_seq / delta_sent_at: the head of the caller's topic in its snapshot
select is((pg_temp.sync_as('b1900000-0000-4000-8000-000000000001') ->> 'delta_seq')::bigint,
          (pg_temp.delta('dashboard:admin') ->> 'seq')::bigint, 'admin: delta_seq is the newest admin delta');
select is((pg_temp.sync_as('b1900000-0000-4000-8000-000000000001') ->> 'delta_sent_at')::timestamptz,
          (pg_temp.delta('dashboard:admin') ->> 'sent_at')::timestamptz, 'and delta_sent_at its sent_at');
select is((pg_temp.sync_as('b1900000-0000-4000-8000-000000000002') ->> 'delta_seq')::bigint,
          (pg_temp.delta('dashboard:support') ->> 'seq')::bigint, 'support: the newest support delta');
select is((pg_temp.sync_as('b1900000-0000-4000-8000-000000000002') ->> 'delta_sent_at')::timestamptz,
          (pg_temp.delta('dashboard:support') ->> 'sent_at')::timestamptz, 'and its sent_at');

-- 26 the scratch rows are gone with the flush
select is((select count(*)::int from private.delta_touched_pending p where p.txid = pg_current_xact_id()), 0,
  'no touched rows left behind');

select * from finish();
rollback;

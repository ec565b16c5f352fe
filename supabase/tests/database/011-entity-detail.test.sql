-- entity_detail(p_type, p_id): the current record per kind, the history from the log (newest
-- first, capped at 200), deleted entities from their last known state, and the role rules.
-- The shop is cleared inside this transaction; every activity row is written by the triggers.
begin;
select plan(40);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b1100000-0000-4000-8000-000000000001', 'detail.admin@example.com', 'authenticated', 'authenticated'),
  ('b1100000-0000-4000-8000-000000000002', 'detail.support@example.com', 'authenticated', 'authenticated'),
  ('b1100000-0000-4000-8000-000000000003', 'detail.customer@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1100000-0000-4000-8000-000000000001', 'Detail Admin', 'admin'),
  ('b1100000-0000-4000-8000-000000000002', 'Detail Support', 'support');

insert into public.customers (id, full_name, email, phone) values
  ('c1200000-0000-4000-8000-000000000001', 'Ada Lovelace', 'ada@example.com', '+44 20 7946 0000'),
  ('c1200000-0000-4000-8000-000000000002', 'Gone Customer', 'gone@example.com', '+1 555 0100');
insert into public.products (id, sku, name, price_cents, stock) values
  ('d1200000-0000-4000-8000-000000000001', 'SCR-13', 'Screen 13', 9900, 5),
  ('d1200000-0000-4000-8000-000000000002', 'CBL-1', 'Cable', 900, 50),
  ('d1200000-0000-4000-8000-000000000003', 'GONE-1', 'Gone product', 1500, 3);
-- T1 active, T2 closed (not an open ticket), T3 deleted while open, T4 closed then deleted.
insert into public.tickets (id, number, customer_id, device, issue, status, priority) values
  ('a1200000-0000-4000-8000-000000000001', 2001, 'c1200000-0000-4000-8000-000000000001', 'iPhone 13', 'Cracked screen', 'open', 'high'),
  ('a1200000-0000-4000-8000-000000000002', 2002, 'c1200000-0000-4000-8000-000000000001', 'iPad', 'Battery', 'closed', 'low'),
  ('a1200000-0000-4000-8000-000000000003', 2003, 'c1200000-0000-4000-8000-000000000001', 'Galaxy S21', 'Water damage', 'open', 'urgent'),
  ('a1200000-0000-4000-8000-000000000004', 2004, 'c1200000-0000-4000-8000-000000000001', 'Pixel 8', 'No sound', 'open', 'normal');
insert into public.orders (id, number, customer_id, status) values
  ('e1200000-0000-4000-8000-000000000001', 7001, 'c1200000-0000-4000-8000-000000000001', 'paid'),
  ('e1200000-0000-4000-8000-000000000002', 7002, 'c1200000-0000-4000-8000-000000000001', 'pending');
insert into public.order_items (id, order_id, product_id, quantity, unit_price_cents, created_at) values
  ('f1200000-0000-4000-8000-000000000001', 'e1200000-0000-4000-8000-000000000001', 'd1200000-0000-4000-8000-000000000001', 1, 9900, now()),
  ('f1200000-0000-4000-8000-000000000002', 'e1200000-0000-4000-8000-000000000001', 'd1200000-0000-4000-8000-000000000002', 3, 900, now() + interval '1 second'),
  ('f1200000-0000-4000-8000-000000000003', 'e1200000-0000-4000-8000-000000000002', 'd1200000-0000-4000-8000-000000000002', 2, 900, now());

set constraints all immediate;  -- number the activity rows as a commit would, and from now on per statement

update public.tickets set status = 'in_progress' where id = 'a1200000-0000-4000-8000-000000000001';
update public.tickets set status = 'waiting_parts' where id = 'a1200000-0000-4000-8000-000000000001';
delete from public.tickets where id = 'a1200000-0000-4000-8000-000000000003';
update public.tickets set status = 'closed' where id = 'a1200000-0000-4000-8000-000000000004';
delete from public.tickets where id = 'a1200000-0000-4000-8000-000000000004';
update public.orders set status = 'cancelled' where id = 'e1200000-0000-4000-8000-000000000002';
delete from public.orders where id = 'e1200000-0000-4000-8000-000000000002';
delete from public.customers where id = 'c1200000-0000-4000-8000-000000000002';
update public.products set stock = 4 where id = 'd1200000-0000-4000-8000-000000000003';
delete from public.products where id = 'd1200000-0000-4000-8000-000000000003';
-- 205 stock changes: more history than one answer carries.
do $$
begin
  for i in 1 .. 205 loop
    update public.products set stock = stock + 1 where id = 'd1200000-0000-4000-8000-000000000002';
  end loop;
end;
$$;

create temporary table detail_history_ids (entity_type text, entity_id uuid, ids bigint[]) on commit drop;
insert into detail_history_ids
select a.entity_type, a.entity_id, array_agg(a.id order by a.id desc) from public.activity_log a group by 1, 2;
grant select on detail_history_ids to authenticated;

-- As admin ---------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b1100000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

-- 1-4 ticket
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') -> 'entity',
  jsonb_build_object('id', 'a1200000-0000-4000-8000-000000000001', 'number', 2001,
                     'customer_id', 'c1200000-0000-4000-8000-000000000001', 'customer_name', 'Ada Lovelace',
                     'device', 'iPhone 13', 'issue', 'Cracked screen', 'status', 'waiting_parts', 'priority', 'high',
                     'created_at', now(), 'closed_at', null),
  'ticket: the current record');
select is(
  (select array_agg((h ->> 'id')::bigint order by o)
     from jsonb_array_elements(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') -> 'history')
          with ordinality as x(h, o)),
  (select ids from detail_history_ids where entity_id = 'a1200000-0000-4000-8000-000000000001'),
  'ticket: its whole history, newest first');
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') -> 'history' -> 0,
  (select to_jsonb(f) from activity_feed(1, p_types => array['ticket'], p_query => '2001') f),
  'history rows have the fields of activity_feed');
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') - 'entity' - 'history',
  '{"deleted": false, "history_complete": true}'::jsonb, 'ticket: not deleted, history complete');

-- 5-7 order with its items in insertion order
select is(entity_detail('order', 'e1200000-0000-4000-8000-000000000001') -> 'entity',
  jsonb_build_object('id', 'e1200000-0000-4000-8000-000000000001', 'number', 7001,
                     'customer_id', 'c1200000-0000-4000-8000-000000000001', 'customer_name', 'Ada Lovelace',
                     'status', 'paid', 'total_cents', 12600, 'item_count', 4,
                     'items', jsonb_build_array(
                       jsonb_build_object('product_id', 'd1200000-0000-4000-8000-000000000001', 'name', 'Screen 13',
                                          'sku', 'SCR-13', 'quantity', 1, 'unit_price_cents', 9900),
                       jsonb_build_object('product_id', 'd1200000-0000-4000-8000-000000000002', 'name', 'Cable',
                                          'sku', 'CBL-1', 'quantity', 3, 'unit_price_cents', 900))),
  'order: the current record with its items');
select is(jsonb_array_length(entity_detail('order', 'e1200000-0000-4000-8000-000000000001') -> 'history'), 1,
  'order: its history');
select is((entity_detail('order', 'e1200000-0000-4000-8000-000000000001') ->> 'deleted')::boolean, false, 'order: not deleted');

-- 8-9 customer: open tickets count the active ones only (T1; T2 is closed, T3 and T4 are gone)
select is(entity_detail('customer', 'c1200000-0000-4000-8000-000000000001') -> 'entity',
  '{"id": "c1200000-0000-4000-8000-000000000001", "full_name": "Ada Lovelace", "email": "ada@example.com",
    "phone": "+44 20 7946 0000", "open_tickets": 1}'::jsonb,
  'customer: the current record and open tickets');
select is(
  (select array_agg((h ->> 'id')::bigint order by o)
     from jsonb_array_elements(entity_detail('customer', 'c1200000-0000-4000-8000-000000000001') -> 'history')
          with ordinality as x(h, o)),
  (select ids from detail_history_ids where entity_id = 'c1200000-0000-4000-8000-000000000001'),
  'customer: its own rows');

-- 10-13 product, and a history longer than the cap
select is(entity_detail('product', 'd1200000-0000-4000-8000-000000000001') -> 'entity',
  '{"id": "d1200000-0000-4000-8000-000000000001", "name": "Screen 13", "sku": "SCR-13", "price_cents": 9900,
    "stock": 5}'::jsonb,
  'product: the current record');
select is(jsonb_array_length(entity_detail('product', 'd1200000-0000-4000-8000-000000000002') -> 'history'), 200,
  'a long history is cut at 200 rows');
select is((entity_detail('product', 'd1200000-0000-4000-8000-000000000002') ->> 'history_complete')::boolean, false,
  '... and says so');
select is(
  (select array_agg((h ->> 'id')::bigint order by o)
     from jsonb_array_elements(entity_detail('product', 'd1200000-0000-4000-8000-000000000002') -> 'history')
          with ordinality as x(h, o)),
  (select ids[1:200] from detail_history_ids where entity_id = 'd1200000-0000-4000-8000-000000000002'),
  '... keeping the 200 newest, newest first');

-- 14-22 deleted entities: the last known state from the log
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000003') -> 'entity',
  jsonb_build_object('id', 'a1200000-0000-4000-8000-000000000003', 'number', 2003, 'customer_id', null,
                     'customer_name', 'Ada Lovelace', 'device', 'Galaxy S21', 'issue', 'Water damage',
                     'status', 'open', 'priority', 'urgent', 'created_at', now(), 'closed_at', null),
  'deleted ticket: its last known state');
select is((entity_detail('ticket', 'a1200000-0000-4000-8000-000000000003') ->> 'deleted')::boolean, true,
  'deleted ticket: deleted');
select is(
  (select array_agg(h ->> 'kind' order by o)
     from jsonb_array_elements(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000003') -> 'history')
          with ordinality as x(h, o)),
  array['ticket_deleted', 'ticket_created'], 'deleted ticket: its history, newest first');
select is(
  (select jsonb_build_object('status', e -> 'status', 'closed_at', e -> 'closed_at', 'issue', e -> 'issue')
     from (select entity_detail('ticket', 'a1200000-0000-4000-8000-000000000004') -> 'entity' as e) x),
  jsonb_build_object('status', 'closed', 'closed_at', now(), 'issue', 'No sound'),
  'a ticket closed and then deleted: closed, with the time of the closing');
select is(entity_detail('order', 'e1200000-0000-4000-8000-000000000002') -> 'entity',
  jsonb_build_object('id', 'e1200000-0000-4000-8000-000000000002', 'number', 7002, 'customer_id', null,
                     'customer_name', 'Ada Lovelace', 'status', 'cancelled', 'total_cents', 1800, 'item_count', 2,
                     'items', null),
  'deleted order: its last known state (items are not in the log)');
select is(entity_detail('customer', 'c1200000-0000-4000-8000-000000000002') -> 'entity',
  '{"id": "c1200000-0000-4000-8000-000000000002", "full_name": "Gone Customer", "email": "gone@example.com",
    "phone": null, "open_tickets": null}'::jsonb,
  'deleted customer: its last known state (the phone and open tickets are not in the log: null)');
select is((entity_detail('customer', 'c1200000-0000-4000-8000-000000000002') ->> 'deleted')::boolean, true,
  'deleted customer: deleted');
select is(entity_detail('product', 'd1200000-0000-4000-8000-000000000003') -> 'entity',
  '{"id": "d1200000-0000-4000-8000-000000000003", "name": "Gone product", "sku": "GONE-1", "price_cents": 1500,
    "stock": 4}'::jsonb,
  'deleted product: its last stock');
select is(jsonb_array_length(entity_detail('product', 'd1200000-0000-4000-8000-000000000003') -> 'history'), 3,
  'deleted product: created, updated, deleted');

-- 23-24 unknown
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-0000000000ff'),
  '{"entity": null, "history": [], "history_complete": true, "deleted": false}'::jsonb,
  'an unknown id: no entity, no history, not deleted');
select is(entity_detail('order', 'e1200000-0000-4000-8000-0000000000ff') -> 'entity', 'null'::jsonb,
  'an unknown order for admin: no entity');

-- 25-28 bad arguments
select throws_ok($$select entity_detail('tickets', 'a1200000-0000-4000-8000-000000000001')$$, '22023', null,
  'an unknown p_type is refused');
select throws_ok($$select entity_detail(null, 'a1200000-0000-4000-8000-000000000001')$$, '22023', null,
  'a null p_type is refused');
select throws_ok($$select entity_detail('ticket', null)$$, '22023', null, 'a null p_id is refused');
select throws_ok($$select entity_detail('order', null)$$, '22023', null, 'p_id is checked for orders too');

-- As support -------------------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b1100000-0000-4000-8000-000000000002","role":"authenticated"}', true);
set local role authenticated;

-- 29-36
select is(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') -> 'entity' ->> 'status', 'waiting_parts',
  'support: a ticket');
select is(jsonb_array_length(entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001') -> 'history'), 3,
  'support: the ticket''s history');
select is(entity_detail('customer', 'c1200000-0000-4000-8000-000000000001') -> 'entity' ->> 'open_tickets', '1',
  'support: a customer');
select is(entity_detail('product', 'd1200000-0000-4000-8000-000000000001') -> 'entity' ->> 'sku', 'SCR-13',
  'support: a product');
select is((entity_detail('ticket', 'a1200000-0000-4000-8000-000000000003') ->> 'deleted')::boolean, true,
  'support: a deleted ticket');
select throws_ok($$select entity_detail('order', 'e1200000-0000-4000-8000-000000000001')$$, '42501',
  'orders are available to admins only', 'support: an order is refused');
select throws_ok($$select entity_detail('order', 'e1200000-0000-4000-8000-000000000002')$$, '42501',
  'orders are available to admins only', 'support: a deleted order is refused');
select throws_ok($$select entity_detail('order', 'e1200000-0000-4000-8000-0000000000ff')$$, '42501',
  'orders are available to admins only', 'support: an unknown order is refused (no probing)');

-- As a signed-in user who is not staff, and as anon ----------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b1100000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;
-- 37-38
select throws_ok($$select entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001')$$, '42501', 'staff only',
  'non-staff: refused');
select throws_ok($$select entity_detail('bogus', null)$$, '42501', 'staff only',
  'non-staff: refused before the arguments are looked at');
reset role;
select set_config('request.jwt.claims', '{"role":"anon"}', true);
set local role anon;
-- 39
select throws_ok($$select entity_detail('ticket', 'a1200000-0000-4000-8000-000000000001')$$, '42501', null,
  'anon cannot call it');

-- 40 the signature and the grants
reset role;
select ok(has_function_privilege('authenticated', 'public.entity_detail(text, uuid)', 'execute')
          and not has_function_privilege('anon', 'public.entity_detail(text, uuid)', 'execute'),
  'authenticated may execute entity_detail, anon may not');

select * from finish();
rollback;

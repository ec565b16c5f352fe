-- Triggers: updated_at, order totals, closed_at, the sales_hourly rollup, the activity log.
-- The activity log is numbered at commit; `set constraints all immediate` runs that step here.
begin;
select plan(32);

insert into public.customers (id, full_name, email, phone, created_at, updated_at) values
  ('c2000000-0000-4000-8000-000000000001', 'Tess Trigger', 'tess.trigger@example.com', '+1 555 0000001',
   '2020-01-01', '2020-01-01');
insert into public.products (id, sku, name, price_cents, stock) values
  ('d2000000-0000-4000-8000-000000000001', 'TT-ONE', 'Trigger One', 1000, 10),
  ('d2000000-0000-4000-8000-000000000002', 'TT-TWO', 'Trigger Two', 2500, 5);

-- 1 updated_at
update public.customers set phone = '+1 555 0000002' where id = 'c2000000-0000-4000-8000-000000000001';
select is((select updated_at from public.customers where id = 'c2000000-0000-4000-8000-000000000001'), now(),
  'an update sets updated_at to now()');

-- 2-6 orders.total_cents / item_count follow order_items
insert into public.orders (id, customer_id, status, total_cents, created_at) values
  ('e2000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'pending', 999,
   '2001-02-03 04:05:06+00');
select is((select total_cents from public.orders where id = 'e2000000-0000-4000-8000-000000000001'), 0::bigint,
  'a new order starts at total 0 whatever the insert says');
insert into public.order_items (id, order_id, product_id, quantity, unit_price_cents) values
  ('f2000000-0000-4000-8000-000000000001', 'e2000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 2, 1000),
  ('f2000000-0000-4000-8000-000000000002', 'e2000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000002', 1, 2500);
select results_eq(
  $$select total_cents, item_count from public.orders where id = 'e2000000-0000-4000-8000-000000000001'$$,
  $$values (4500::bigint, 3)$$, 'inserting items adds quantity x unit price and quantities');
update public.order_items set quantity = 3 where id = 'f2000000-0000-4000-8000-000000000001';
select results_eq(
  $$select total_cents, item_count from public.orders where id = 'e2000000-0000-4000-8000-000000000001'$$,
  $$values (5500::bigint, 4)$$, 'changing a quantity changes the total');
delete from public.order_items where id = 'f2000000-0000-4000-8000-000000000002';
select results_eq(
  $$select total_cents, item_count from public.orders where id = 'e2000000-0000-4000-8000-000000000001'$$,
  $$values (3000::bigint, 3)$$, 'deleting an item takes it off the total');
select throws_ok(
  $$update public.orders set total_cents = 1 where id = 'e2000000-0000-4000-8000-000000000001'$$,
  '428C9', null, 'writing total_cents directly is refused');

-- 7-10 sales_hourly: paid orders only, by UTC hour of created_at
select is((select count(*)::int from public.sales_hourly where bucket = '2001-02-03 04:00+00'), 0,
  'a pending order is not in the rollup');
update public.orders set status = 'paid' where id = 'e2000000-0000-4000-8000-000000000001';
select results_eq(
  $$select revenue_cents, orders_count, items_sold from public.sales_hourly where bucket = '2001-02-03 04:00+00'$$,
  $$values (3000::bigint, 1, 3)$$, 'paying an order adds it to its hour');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e2000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000002', 2, 2500);
select results_eq(
  $$select revenue_cents, orders_count, items_sold from public.sales_hourly where bucket = '2001-02-03 04:00+00'$$,
  $$values (8000::bigint, 1, 5)$$, 'an item added to a paid order reaches the rollup');
update public.orders set status = 'refunded' where id = 'e2000000-0000-4000-8000-000000000001';
select results_eq(
  $$select revenue_cents, orders_count, items_sold from public.sales_hourly where bucket = '2001-02-03 04:00+00'$$,
  $$values (0::bigint, 0, 0)$$, 'a refund takes the order out of the rollup');

-- 11-13 tickets.closed_at
insert into public.tickets (id, customer_id, device, issue) values
  ('a2000000-0000-4000-8000-000000000001', 'c2000000-0000-4000-8000-000000000001', 'Pixel 8', 'Cracked screen');
select is((select closed_at from public.tickets where id = 'a2000000-0000-4000-8000-000000000001'), null,
  'an open ticket has no closed_at');
update public.tickets set status = 'closed' where id = 'a2000000-0000-4000-8000-000000000001';
select is((select closed_at from public.tickets where id = 'a2000000-0000-4000-8000-000000000001'), now(),
  'closing a ticket sets closed_at');
update public.tickets set status = 'in_progress' where id = 'a2000000-0000-4000-8000-000000000001';
select is((select closed_at from public.tickets where id = 'a2000000-0000-4000-8000-000000000001'), null,
  'reopening a ticket clears closed_at');

-- Changes that are not meaningful write no activity.
update public.tickets set priority = 'urgent' where id = 'a2000000-0000-4000-8000-000000000001';
update public.products set name = 'Trigger One Plus' where id = 'd2000000-0000-4000-8000-000000000001';
update public.products set price_cents = 1200 where id = 'd2000000-0000-4000-8000-000000000001';

-- An order whose items arrive after it, in the same transaction.
insert into public.orders (id, customer_id, status) values
  ('e2000000-0000-4000-8000-000000000002', 'c2000000-0000-4000-8000-000000000001', 'paid');
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e2000000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000002', 3, 2500);
delete from public.tickets where id = 'a2000000-0000-4000-8000-000000000001';

-- 14 nothing is numbered before commit
select is((select count(*)::int from public.activity_log
            where entity_id in ('e2000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001')),
  0, 'activity rows wait for commit before they get an id');

set constraints all immediate;

-- 15 pending rows were moved
select is((select count(*)::int from private.activity_pending where txid = pg_current_xact_id()), 0,
  'at commit the pending rows are moved into activity_log');

-- 16-18 ticket activity
select results_eq(
  $$select kind from public.activity_log where entity_id = 'a2000000-0000-4000-8000-000000000001' order by id$$,
  array['ticket_created', 'ticket_status_changed', 'ticket_status_changed', 'ticket_deleted'],
  'a ticket logs created, each status change and deleted (not the priority change)');
select is(
  (select summary - 'ticket_number' from public.activity_log
    where entity_id = 'a2000000-0000-4000-8000-000000000001' and kind = 'ticket_created'),
  '{"customer_name": "Tess Trigger", "device": "Pixel 8", "issue": "Cracked screen", "status": "open",
    "priority": "normal"}'::jsonb,
  'ticket_created summary has customer, device, issue, status, priority');
select is(
  (select summary - 'ticket_number' from public.activity_log
    where entity_id = 'a2000000-0000-4000-8000-000000000001' and kind = 'ticket_status_changed' order by id limit 1),
  '{"customer_name": "Tess Trigger", "device": "Pixel 8", "old_status": "open", "new_status": "closed"}'::jsonb,
  'ticket_status_changed summary has old and new status');

-- 19-22 order activity
select results_eq(
  $$select kind from public.activity_log where entity_id = 'e2000000-0000-4000-8000-000000000001' order by id$$,
  array['order_placed', 'order_status_changed', 'order_status_changed'],
  'an order logs placed and each status change');
select is(
  (select summary - 'order_number' from public.activity_log
    where entity_id = 'e2000000-0000-4000-8000-000000000002' and kind = 'order_placed'),
  '{"customer_name": "Tess Trigger", "total_cents": 7500, "item_count": 3, "status": "paid"}'::jsonb,
  'order_placed shows the items added later in the same transaction');
select is(
  (select summary ->> 'order_number' from public.activity_log
    where entity_id = 'e2000000-0000-4000-8000-000000000002' and kind = 'order_placed'),
  (select number::text from public.orders where id = 'e2000000-0000-4000-8000-000000000002'),
  'order_placed carries the human order number');
select is(
  (select summary - 'order_number' - 'total_cents' from public.activity_log
    where entity_id = 'e2000000-0000-4000-8000-000000000001' and kind = 'order_status_changed' order by id desc limit 1),
  '{"customer_name": "Tess Trigger", "old_status": "paid", "new_status": "refunded"}'::jsonb,
  'order_status_changed summary has old and new status');

-- 23-25 customer and product activity
select results_eq(
  $$select kind from public.activity_log where entity_id = 'c2000000-0000-4000-8000-000000000001' order by id$$,
  array['customer_registered', 'customer_updated'], 'a customer logs registered and updated');
select is(
  (select summary -> 'changed' from public.activity_log
    where entity_id = 'c2000000-0000-4000-8000-000000000001' and kind = 'customer_updated'),
  '["phone"]'::jsonb, 'customer_updated names the changed fields');
select is(
  (select summary from public.activity_log
    where entity_id = 'd2000000-0000-4000-8000-000000000001' and kind = 'product_updated'),
  '{"product_name": "Trigger One Plus", "sku": "TT-ONE", "price_cents": 1200, "stock": 10,
    "old_price_cents": 1000, "old_stock": 10}'::jsonb,
  'a price change logs product_updated with old and new price (a rename alone logs nothing)');

-- 26-27 ids and times
select is(
  (select count(*)::int from public.activity_log where entity_id = 'd2000000-0000-4000-8000-000000000001'),
  2, 'product: created + one update');
select is(
  (select occurred_at from public.activity_log where entity_id = 'e2000000-0000-4000-8000-000000000001' and kind = 'order_placed'),
  '2001-02-03 04:05:06+00'::timestamptz, 'a creation is logged at the row''s created_at');

-- 28 one transaction's rows are numbered contiguously
select is(
  (select max(id) - min(id) + 1 - count(*) from public.activity_log
    where id >= (select min(id) from public.activity_log where entity_id = 'c2000000-0000-4000-8000-000000000001')),
  0::bigint, 'one transaction gets a contiguous block of ids');

-- 29-30 deleting an order logs it and its rollup share
insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values
  ('e2000000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', 1, 1000);
delete from public.orders where id = 'e2000000-0000-4000-8000-000000000002';
select is(
  (select summary ->> 'total_cents' from public.activity_log
    where entity_id = 'e2000000-0000-4000-8000-000000000002' and kind = 'order_deleted'),
  '8500', 'order_deleted carries the total at deletion');
select is(
  (select sum(revenue_cents) from public.sales_hourly where bucket = date_trunc('hour', now(), 'UTC')),
  (select coalesce(sum(total_cents), 0) from public.orders
    where status = 'paid' and created_at >= date_trunc('hour', now(), 'UTC'))::numeric,
  'deleting a paid order takes it out of the rollup');

-- 31-32 the rollup equals a full recomputation
select is(
  (select count(*)::int from (
     select date_trunc('hour', created_at, 'UTC') as bucket, sum(total_cents) as revenue, count(*) as orders,
            sum(item_count) as items
       from public.orders where status = 'paid' group by 1) r
     full join (select bucket, sum(revenue_cents) as revenue_cents, sum(orders_count) as orders_count,
                       sum(items_sold) as items_sold
                  from public.sales_hourly group by bucket having sum(orders_count) <> 0 or sum(revenue_cents) <> 0) s
       using (bucket)
    where r.revenue is distinct from s.revenue_cents or r.orders is distinct from s.orders_count
       or r.items is distinct from s.items_sold),
  0, 'sales_hourly equals the paid orders grouped by hour');
select is(
  (select count(*)::int from public.orders o
    where o.total_cents <> coalesce((select sum(i.quantity::bigint * i.unit_price_cents) from public.order_items i
                                      where i.order_id = o.id), 0)),
  0, 'every order total equals the sum of its items');

select * from finish();
rollback;

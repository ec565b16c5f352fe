-- activity_feed search and filters (p_query, p_types, p_ticket_status, p_ticket_priority) with the
-- role rules: support never matches an order, not even by its number. The shop is cleared inside
-- this transaction; every activity row is written by the real triggers.
begin;
select plan(52);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b1000000-0000-4000-8000-000000000001', 'search.admin@example.com', 'authenticated', 'authenticated'),
  ('b1000000-0000-4000-8000-000000000002', 'search.support@example.com', 'authenticated', 'authenticated'),
  ('b1000000-0000-4000-8000-000000000003', 'search.customer@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1000000-0000-4000-8000-000000000001', 'Search Admin', 'admin'),
  ('b1000000-0000-4000-8000-000000000002', 'Search Support', 'support');

-- C1 Jane Quill (renamed Jane Smith below), C2 Bob Stone, C3 a name with LIKE wildcards.
insert into public.customers (id, full_name, email) values
  ('c1100000-0000-4000-8000-000000000001', 'Jane Quill', 'jane.quill@example.com'),
  ('c1100000-0000-4000-8000-000000000002', 'Bob Stone', 'bob@example.com'),
  ('c1100000-0000-4000-8000-000000000003', '100% Real_Name', 'real@example.com');
insert into public.products (id, sku, name, price_cents) values
  ('d1100000-0000-4000-8000-000000000001', 'IPH13-SCR', 'iPhone 13 screen', 9900),
  ('d1100000-0000-4000-8000-000000000002', 'CBL-USB', 'USB cable', 900);
-- Ticket #1042 and order #1042 share a number; #10420 must not match 1042.
insert into public.tickets (id, number, customer_id, device, issue, status, priority) values
  ('a1100000-0000-4000-8000-000000000001', 1042, 'c1100000-0000-4000-8000-000000000001', 'iPhone 13',
   'Cracked screen after a drop', 'open', 'normal'),
  ('a1100000-0000-4000-8000-000000000002', 1043, 'c1100000-0000-4000-8000-000000000002', 'Pixel 8',
   'Battery drains overnight', 'open', 'urgent'),
  ('a1100000-0000-4000-8000-000000000003', 10420, 'c1100000-0000-4000-8000-000000000002', 'iPad 10',
   'Does not charge', 'open', 'low'),
  ('a1100000-0000-4000-8000-000000000004', 1050, 'c1100000-0000-4000-8000-000000000001', 'Galaxy S21',
   'Water damage', 'open', 'high');
insert into public.orders (id, number, customer_id, status) values
  ('e1100000-0000-4000-8000-000000000001', 1042, 'c1100000-0000-4000-8000-000000000001', 'paid'),
  ('e1100000-0000-4000-8000-000000000002', 5001, 'c1100000-0000-4000-8000-000000000002', 'pending');

set constraints all immediate;  -- number the activity rows as a commit would, and from now on per statement

update public.tickets set status = 'in_progress' where id = 'a1100000-0000-4000-8000-000000000001';
update public.tickets set status = 'closed' where id = 'a1100000-0000-4000-8000-000000000002';
update public.customers set full_name = 'Jane Smith', email = 'jane.smith@example.com' where id = 'c1100000-0000-4000-8000-000000000001';
delete from public.tickets where id = 'a1100000-0000-4000-8000-000000000004';
update public.products set price_cents = 9500 where id = 'd1100000-0000-4000-8000-000000000001';

-- 1-2 the search column is kept for rows written through the triggers
select is((select count(*)::int from public.activity_log where search_text is null), 0,
  'every activity row has its search text');
select ok((select search_text like '%cracked screen after a drop%' from public.activity_log
            where kind = 'ticket_created' and entity_id = 'a1100000-0000-4000-8000-000000000001'),
  'the search text holds the ticket''s issue, lowercased');

-- As admin ---------------------------------------------------------------------------------------
select set_config('request.jwt.claims', '{"sub":"b1000000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;

-- 3-9 names: the summary's name (what was true then) is matched, case-insensitively
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'jane')$$,
  $$values ('customer_registered', 'c1100000-0000-4000-8000-000000000001'),
           ('customer_updated', 'c1100000-0000-4000-8000-000000000001'),
           ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_created', 'a1100000-0000-4000-8000-000000000004'),
           ('ticket_deleted', 'a1100000-0000-4000-8000-000000000004'),
           ('order_placed', 'e1100000-0000-4000-8000-000000000001')$$,
  'a first name finds the customer, her tickets and her order');
select results_eq(
  $$select id from activity_feed(500, p_query => 'JaNe')$$,
  $$select id from public.activity_log where summary ->> 'customer_name' like 'Jane %' order by id desc$$,
  'case-insensitive, newest first');
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'quill')$$,
  $$values ('customer_registered', 'c1100000-0000-4000-8000-000000000001'),
           ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_created', 'a1100000-0000-4000-8000-000000000004'),
           ('order_placed', 'e1100000-0000-4000-8000-000000000001')$$,
  'the old name finds the rows written before the rename');
select set_eq(
  $$select kind from activity_feed(500, p_query => 'Jane Smith')$$,
  $$values ('customer_updated'), ('ticket_deleted')$$,
  'the new name finds the rows written after it');
select is((select count(*)::int from activity_feed(500, p_query => 'bob stone')), 5,
  'several words: every one must occur (Bob: registered, 2 tickets created, 1 closed, 1 order)');
select is((select count(*)::int from activity_feed(500, p_query => 'stone bob')), 5, 'in any order');
select is((select count(*)::int from activity_feed(500, p_query => 'jane bob')), 0, 'not any one of them');

-- 10-14 devices, issues, e-mails, products and SKUs
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'IPHONE 13')$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001'),
           ('product_created', 'd1100000-0000-4000-8000-000000000001'),
           ('product_updated', 'd1100000-0000-4000-8000-000000000001')$$,
  'a device finds its ticket rows and the product of that name');
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'jane iphone')$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001')$$,
  '"the iPhone ticket for Jane": words may come from different fields');
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'cracked')$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000001')$$,
  'an issue word finds the ticket''s creation (the only row carrying the issue)');
select set_eq(
  $$select kind from activity_feed(500, p_query => 'Jane.Quill@Example.com')$$,
  $$values ('customer_registered')$$,
  'an e-mail finds the customer''s rows');
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'cbl-usb')$$,
  $$values ('product_created', 'd1100000-0000-4000-8000-000000000002')$$,
  'a SKU finds its product');

-- 15-19 numbers: exact ticket or order number, with or without #
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => '#1042')$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001'),
           ('order_placed', 'e1100000-0000-4000-8000-000000000001')$$,
  '#1042 finds ticket #1042 and order #1042, not #10420');
select set_eq($$select id from activity_feed(500, p_query => '1042')$$,
  $$select id from activity_feed(500, p_query => '#1042')$$, 'without # the same');
select set_eq($$select id from activity_feed(500, p_query => ' 01042 ')$$,
  $$select id from activity_feed(500, p_query => '#1042')$$, 'leading zeros and spaces do not count');
select set_eq(
  $$select kind from activity_feed(500, p_query => '5001')$$, $$values ('order_placed')$$,
  'an order number finds the order');
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_query => 'bob #10420')$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000003')$$,
  'with other words, #n is a word like any other');

-- 20-22 LIKE wildcards in the query are literal
select set_eq($$select entity_id::text from activity_feed(500, p_query => '%')$$,
  $$values ('c1100000-0000-4000-8000-000000000003')$$, '% is a literal percent sign');
select set_eq($$select entity_id::text from activity_feed(500, p_query => 'l_n')$$,
  $$values ('c1100000-0000-4000-8000-000000000003')$$, '_ is a literal underscore');
select is((select count(*)::int from activity_feed(500, p_query => '\')), 0, 'a backslash is literal');

-- 23-25 no search
select is((select count(*)::int from activity_feed(500, p_query => '   ')),
  (select count(*)::int from public.activity_log), 'a blank query is no search');
select is((select count(*)::int from activity_feed(500, p_query => null)),
  (select count(*)::int from public.activity_log), 'null is no search');
select is((select count(*)::int from activity_feed(500, p_query => 'nothing-like-this')), 0,
  'a word that occurs nowhere finds nothing');

-- 26-29 paging and limits keep their meaning while searching
select results_eq($$select id from activity_feed(2, p_query => 'jane')$$,
  $$select id from activity_feed(500, p_query => 'jane') limit 2$$, 'p_limit while searching');
select results_eq(
  $$select id from activity_feed(2, p_before => (select min(id) from activity_feed(2, p_query => 'jane')), p_query => 'jane')$$,
  $$select id from activity_feed(500, p_query => 'jane') offset 2 limit 2$$,
  'p_before pages back through the matches, newest first');
select results_eq(
  $$select id from activity_feed(50, p_after => (select min(id) from activity_feed(500, p_query => 'jane')), p_query => 'jane')$$,
  $$select id from public.activity_log where summary ->> 'customer_name' like 'Jane %'
       and id > (select min(id) from activity_feed(500, p_query => 'jane')) order by id$$,
  'p_after returns the matches after the cursor, oldest first');
select is((select count(*)::int from activity_feed(50, p_after => (select max(id) from public.activity_log),
                                                   p_query => 'jane')), 0, 'no match after the newest id');

-- 30-33 p_types
select bag_eq($$select kind from activity_feed(500, p_types => array['product'])$$,
  $$values ('product_created'), ('product_created'), ('product_updated')$$, 'p_types restricts to products');
select is((select count(*)::int from activity_feed(500, p_types => array['ticket', 'customer'])),
  (select count(*)::int from public.activity_log where entity_type in ('ticket', 'customer')), 'several types');
select set_eq($$select kind from activity_feed(500, p_query => 'jane', p_types => array['order'])$$,
  $$values ('order_placed')$$, 'p_types with a search');
select is((select count(*)::int from activity_feed(500, p_types => '{}')),
  (select count(*)::int from public.activity_log), 'an empty p_types is no filter');

-- 34-39 ticket status and priority: the ticket's current values; a deleted ticket never passes
select set_eq(
  $$select kind, entity_id::text from activity_feed(500, p_ticket_status => array['in_progress'])$$,
  $$values ('ticket_created', 'a1100000-0000-4000-8000-000000000001'),
           ('ticket_status_changed', 'a1100000-0000-4000-8000-000000000001')$$,
  'status: every row of the tickets that are in progress now, also the creation when they were open');
select bag_eq($$select entity_id::text from activity_feed(500, p_ticket_status => array['open', 'closed'])$$,
  $$values ('a1100000-0000-4000-8000-000000000002'), ('a1100000-0000-4000-8000-000000000002'),
           ('a1100000-0000-4000-8000-000000000003')$$,
  'several statuses; the deleted open ticket is not among them');
select bag_eq($$select entity_id::text from activity_feed(500, p_ticket_priority => array['urgent'])$$,
  $$values ('a1100000-0000-4000-8000-000000000002'), ('a1100000-0000-4000-8000-000000000002')$$,
  'priority');
select is((select count(*)::int from activity_feed(500, p_ticket_status => array['closed'],
                                                   p_ticket_priority => array['urgent'])), 2, 'status and priority together');
select is((select count(*)::int from activity_feed(500, p_ticket_status => array['in_progress'],
                                                   p_ticket_priority => array['urgent'])), 0, 'both must hold');
select is((select count(*)::int from activity_feed(500, p_ticket_status => array['closed'],
                                                   p_types => array['order', 'customer'])), 0,
  'a ticket filter with types that exclude tickets finds nothing');

-- 40-45 bad arguments
select throws_ok($$select * from activity_feed(p_types => array['tickets'])$$, '22023', null, 'an unknown type is refused');
select throws_ok($$select * from activity_feed(p_types => array['ticket', null])$$, '22023', null, 'a null type is refused');
select throws_ok($$select * from activity_feed(p_ticket_status => array['waiting'])$$, '22023', null,
  'an unknown status is refused');
select throws_ok($$select * from activity_feed(p_ticket_priority => array['asap'])$$, '22023', null,
  'an unknown priority is refused');
select throws_ok($$select * from activity_feed(p_query => repeat('a', 201))$$, '22023', null,
  'a query over 200 characters is refused');
select throws_ok($$select * from activity_feed(p_query => 'a b c d e f g h i')$$, '22023', null,
  'a query of more than 8 words is refused');

-- As support -------------------------------------------------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b1000000-0000-4000-8000-000000000002","role":"authenticated"}', true);
set local role authenticated;

-- 46-50 support never matches an order
select is((select count(*)::int from activity_feed(500, p_query => 'jane')), 6,
  'support: the same name finds everything but the order');
select set_eq($$select kind from activity_feed(500, p_query => '#1042')$$,
  $$values ('ticket_created'), ('ticket_status_changed')$$, 'support: #1042 finds the ticket only');
select is((select count(*)::int from activity_feed(500, p_query => '5001')), 0,
  'support: an order''s number finds nothing');
select is((select count(*)::int from activity_feed(500, p_types => array['order'])), 0,
  'support: p_types order gives no rows');
select is((select count(*)::int from activity_feed(500, p_ticket_status => array['in_progress'])), 2,
  'support: ticket filters work');

-- As a signed-in user who is not staff, and as anon ----------------------------------------------
reset role;
select set_config('request.jwt.claims', '{"sub":"b1000000-0000-4000-8000-000000000003","role":"authenticated"}', true);
set local role authenticated;
-- 51
select throws_ok($$select * from activity_feed(p_query => 'jane')$$, '42501', 'staff only', 'non-staff: refused');
reset role;
select set_config('request.jwt.claims', '{"role":"anon"}', true);
set local role anon;
-- 52
select throws_ok($$select * from activity_feed(p_query => 'jane')$$, '42501', null, 'anon cannot call it');

reset role;
select * from finish();
rollback;

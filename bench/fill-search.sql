-- Data set for the activity search benchmark (bench/search-bench.sh): about 1.05 M activity rows
-- shaped like a busy shop's, skewed on purpose:
--   100,000 customers, 5 % of them called "Jane Smith" or "Maria Garcia" (thousands of rows each),
--     the others from a few popular first and last names; 20 % renamed once (rows before the
--     rename carry the old name, as the triggers would have written them);
--   300,000 tickets over 365 days with devices skewed to a few models ("Nokia 3310" only in the
--     oldest 3 %), issues from a vocabulary with Zipf-like word frequencies, 5 to 300 words (up to
--     2,000 characters); "capacitor" in about 30 of them; 200,000 status changes; 1,000 deleted;
--   300,000 orders with 50,000 status changes; 3,000 products with 80,000 stock/price changes,
--     most of them on a few popular products.
-- Summaries are built exactly as private.queue_activity() builds them. Row triggers are off
-- (session_replication_role = replica, superuser); the generated search column is computed
-- anyway. The activity indexes are dropped for the load and recreated from their own
-- definitions afterwards, as a restore would; the posting list is built set-based afterwards
-- (private.activity_postings_rebuild(), the migration's backfill), then its primary key. Deterministic (setseed, no parallel workers).
\set ON_ERROR_STOP on
\timing on

select pg_get_indexdef('public.activity_log_search_text_idx'::regclass) as search_idx,
       pg_get_indexdef('public.activity_log_number_idx'::regclass) as number_idx,
       pg_get_indexdef('public.activity_log_entity_history_idx'::regclass) as history_idx \gset

begin;
set local session_replication_role = replica;
set local work_mem = '256MB';
set local max_parallel_workers_per_gather = 0;
select setseed(0.42);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly, private.activity_pending, private.activity_flush_requests;
drop index public.activity_log_search_text_idx, public.activity_log_number_idx, public.activity_log_entity_history_idx;
-- The posting list is filled set-based after the load, as its migration does (its trigger would
-- post the 1 M rows in one statement; the writers in bench/db-search.ts pay it row by row).
alter table public.activity_log disable trigger activity_log_post_insert;
alter table private.activity_postings drop constraint activity_postings_pkey;

create temporary table bench_first (n int primary key, name text) on commit drop;
insert into bench_first select n, name from unnest(array['James','Mary','Robert','Patricia','John','Jennifer','Michael',
  'Linda','David','Elizabeth','Wei','Aisha','Carlos','Sofia','Liam','Olivia','Noah','Emma','Yuki','Priya','Omar','Fatima',
  'Lucas','Chloe','Mateo','Ines','Hugo','Lena','Ivan','Zoe']) with ordinality as t(name, n);
create temporary table bench_last (n int primary key, name text) on commit drop;
insert into bench_last select n, name from unnest(array['Johnson','Williams','Brown','Jones','Miller','Davis','Rodriguez',
  'Martinez','Hernandez','Lopez','Gonzalez','Wilson','Anderson','Thomas','Taylor','Moore','Jackson','Martin','Lee','Perez',
  'Thompson','White','Harris','Sanchez','Clark','Ramirez','Lewis','Robinson','Walker','Young']) with ordinality as t(name, n);

-- Customers: name at registration and, for 20 %, a later name (renamed 200 days after registering).
-- random() only ever in a select list of its own (a subquery with a volatile target list is
-- neither flattened nor shared, so every row draws its own numbers).
create temporary table bench_customers on commit drop as
select r.i, md5('sc' || r.i)::uuid as id,
       case when r.i % 100 < 3 then 'Jane Smith' when r.i % 100 < 5 then 'Maria Garcia'
            else f.name || ' ' || l.name end as name0,
       case when r.i % 5 = 0 then f2.name || ' ' || l.name || '-' || l2.name end as name1,
       now() - interval '730 days' + r.i * interval '6 minutes' as created_at
  from (select i, 1 + floor(30 * power(random(), 2))::int as fn, 1 + floor(30 * power(random(), 2))::int as ln
          from generate_series(1, 100000) i) r
  join bench_first f on f.n = r.fn
  join bench_last l on l.n = r.ln
  join bench_first f2 on f2.n = 1 + (r.i % 30)
  join bench_last l2 on l2.n = 1 + ((r.i * 7) % 30);
alter table bench_customers add primary key (i);

insert into public.customers (id, full_name, email, phone, created_at, updated_at)
select id, coalesce(name1, name0), 'c' || i || '.' || lower(replace(split_part(name0, ' ', 2), '-', '')) || '@example.com',
       '+1 555 ' || lpad((i % 10000000)::text, 7, '0'), created_at, created_at
  from bench_customers;

-- Products: kind x model, prices and stock; updates skewed to the first ones.
create temporary table bench_models (n int primary key, name text) on commit drop;
insert into bench_models select n, name from unnest(array['iPhone 13','iPhone 14','iPhone 12','Galaxy S21','iPhone 15',
  'Pixel 7','Galaxy S23','iPad Air','MacBook Pro','iPhone 11','Pixel 8','Galaxy A54','ThinkPad X1','Surface Pro',
  'OnePlus 11','Xperia 5','Moto G','iPad Mini','Dell XPS','Nokia 3310']) with ordinality as t(name, n);
insert into public.products (id, sku, name, price_cents, stock, active, created_at, updated_at)
select md5('sp' || p)::uuid, 'SKU-' || lpad(p::text, 5, '0'),
       m.name || ' ' || (array['screen','battery','charging port','camera','back glass','speaker'])[1 + p % 6] || ' ' || p,
       500 + (p * 7919) % 20000, (p * 31) % 500, true, now() - interval '800 days', now() - interval '800 days'
  from generate_series(1, 3000) p
  join bench_models m on m.n = 1 + p % 19;

-- Issue texts: 20,000 of them from a vocabulary with Zipf-like frequencies, 5-300 words.
create temporary table bench_words (n int primary key, w text) on commit drop;
insert into bench_words select n, w from unnest(string_to_array(
  'the screen is cracked and the phone does not turn on after it was dropped in water battery drains fast ' ||
  'overnight charging port loose cable only works at an angle touch unresponsive in the lower half display shows ' ||
  'green lines flickering backlight camera blurry lens scratched speaker crackles no sound during calls microphone ' ||
  'customer says it happened again after previous repair warranty claim requested please call before replacing ' ||
  'parts ordered from supplier waiting for delivery estimated next week keyboard keys sticky trackpad clicks ' ||
  'randomly hinge broken lid wobbles fan noise overheating shuts down under load software update failed boot loop ' ||
  'stuck on logo data backup needed before any work face id not working fingerprint sensor fails wifi drops ' ||
  'bluetooth pairing issue sim card not detected signal weak volume button stuck power button pressed in back ' ||
  'glass shattered frame bent slightly swollen battery pushing screen out liquid damage indicator red corrosion ' ||
  'on board replaced earlier this year same symptom returned vibration motor rattles headphone jack loose ' ||
  'screen protector bubble dust under camera glass very urgent needed for work travel tomorrow', ' ')) with ordinality as t(w, n);
create temporary table bench_issue_words on commit drop as
select k, j, 1 + floor(150 * power(random(), 3))::int as wn
  from (select k, 5 + floor(295 * power(random(), 4))::int as len from generate_series(1, 20000) k) x
  cross join lateral generate_series(1, x.len) j;
create temporary table bench_issues on commit drop as
select iw.k, left(string_agg(w.w, ' ' order by iw.j) || case when iw.k in (7, 13007) then ' capacitor bulging' else '' end,
                  1990) as text
  from bench_issue_words iw join bench_words w on w.n = 1 + (iw.wn - 1) % (select count(*)::int from bench_words)
 group by iw.k;
alter table bench_issues add primary key (k);

-- Tickets: older than 5 days are closed or cancelled; 1,000 of them are deleted later.
create temporary table bench_tickets on commit drop as
select r.i, md5('st' || r.i)::uuid as id, 1000 + r.i as number, r.customer_i,
       case when r.i <= 9000 then 'Nokia 3310' else m.name end as device,
       r.issue_k, r.priority, r.created_at,
       case when r.created_at < now() - interval '5 days'
            then case when r.i % 10 = 0 then 'cancelled' else 'closed' end
            else (array['open', 'in_progress', 'waiting_parts', 'ready'])[1 + r.i % 4] end as status
  from (select i, 1 + floor(100000 * power(random(), 1.3))::int as customer_i,
               1 + floor(19 * power(random(), 2.5))::int as model_n,
               1 + floor(20000 * random())::int as issue_k,
               (array['low', 'normal', 'normal', 'normal', 'high', 'urgent'])[1 + floor(6 * random())::int] as priority,
               now() - ((300001 - i)::double precision / 300000) * interval '365 days' as created_at
          from generate_series(1, 300000) i) r
  join bench_models m on m.n = r.model_n;
alter table bench_tickets add primary key (i);

insert into public.tickets (id, number, customer_id, device, issue, status, priority, closed_at, created_at, updated_at)
select t.id, t.number, c.id, t.device, s.text, t.status, t.priority,
       case when t.status in ('closed', 'cancelled') then t.created_at + interval '2 days' end, t.created_at, t.created_at
  from bench_tickets t
  join bench_customers c on c.i = t.customer_i
  join bench_issues s on s.k = t.issue_k
 where t.i % 300 <> 0;
select setval('public.tickets_number_seq', 1000 + 300000);

create temporary table bench_orders on commit drop as
select i, md5('so' || i)::uuid as id, 5000 + i as number, 1 + floor(100000 * power(random(), 1.3))::int as customer_i,
       now() - ((300001 - i)::double precision / 300000) * interval '365 days' as created_at,
       500 + (i::bigint * 7919) % 40000 as total_cents, 1 + i % 4 as item_count,
       case when i % 6 = 0 then 'paid' when i % 6 = 1 then 'pending' when i % 20 = 2 then 'refunded' else 'paid' end as status
  from generate_series(1, 300000) i;
insert into public.orders (id, number, customer_id, status, total_cents, item_count, created_at, updated_at)
select o.id, o.number, c.id, o.status, o.total_cents, o.item_count, o.created_at, o.created_at
  from bench_orders o join bench_customers c on c.i = o.customer_i;
select setval('public.orders_number_seq', 5000 + 300000);

-- The name a ticket or order row carries: the customer's name at that moment.
create function pg_temp.name_at(c bench_customers, at timestamptz) returns text language sql immutable as $$
  select case when c.name1 is not null and at >= c.created_at + interval '200 days' then c.name1 else c.name0 end
$$;

create temporary table bench_activity (kind text, entity_type text, entity_id uuid, occurred_at timestamptz, summary jsonb)
  on commit drop;
insert into bench_activity
select 'customer_registered', 'customer', c.id, c.created_at, jsonb_build_object('customer_name', c.name0, 'email', cu.email)
  from bench_customers c join public.customers cu on cu.id = c.id
union all
select 'customer_updated', 'customer', c.id, c.created_at + interval '200 days',
       jsonb_build_object('customer_name', c.name1, 'email', cu.email, 'changed', jsonb_build_array('full_name'))
  from bench_customers c join public.customers cu on cu.id = c.id
 where c.name1 is not null and c.created_at + interval '200 days' < now()
union all
select 'product_created', 'product', p.id, p.created_at,
       jsonb_build_object('product_name', p.name, 'sku', p.sku, 'price_cents', p.price_cents, 'stock', p.stock)
  from public.products p
union all
select 'product_updated', 'product', p.id, now() - (u::double precision / 80000) * interval '700 days',
       jsonb_build_object('product_name', p.name, 'sku', p.sku, 'price_cents', p.price_cents, 'stock', p.stock,
                          'old_price_cents', p.price_cents, 'old_stock', p.stock + 1)
  from (select u, 1 + floor(3000 * power(random(), 3))::int as p from generate_series(1, 80000) u) x
  join public.products p on p.id = md5('sp' || x.p)::uuid
union all
select 'ticket_created', 'ticket', t.id, t.created_at,
       jsonb_build_object('ticket_number', t.number, 'customer_name', pg_temp.name_at(c, t.created_at), 'device', t.device,
                          'issue', s.text, 'status', case when t.i % 3 = 0 then t.status else 'open' end,
                          'priority', t.priority)
  from bench_tickets t join bench_customers c on c.i = t.customer_i join bench_issues s on s.k = t.issue_k
union all
select 'ticket_status_changed', 'ticket', t.id, least(t.created_at + interval '1 day', now() - interval '1 minute'),
       jsonb_build_object('ticket_number', t.number, 'customer_name', pg_temp.name_at(c, t.created_at + interval '1 day'),
                          'device', t.device, 'old_status', 'open', 'new_status', t.status)
  from bench_tickets t join bench_customers c on c.i = t.customer_i
 where t.i % 3 <> 0 and t.status <> 'open'
union all
select 'ticket_deleted', 'ticket', t.id, t.created_at + interval '3 days',
       jsonb_build_object('ticket_number', t.number, 'customer_name', pg_temp.name_at(c, t.created_at + interval '3 days'),
                          'device', t.device)
  from bench_tickets t join bench_customers c on c.i = t.customer_i
 where t.i % 300 = 0 and t.created_at + interval '3 days' < now()
union all
select 'order_placed', 'order', o.id, o.created_at,
       jsonb_build_object('order_number', o.number, 'customer_name', pg_temp.name_at(c, o.created_at),
                          'total_cents', o.total_cents, 'item_count', o.item_count,
                          'status', case when o.i % 6 = 0 then 'pending' else o.status end)
  from bench_orders o join bench_customers c on c.i = o.customer_i
union all
select 'order_status_changed', 'order', o.id, o.created_at + interval '1 hour',
       jsonb_build_object('order_number', o.number, 'customer_name', pg_temp.name_at(c, o.created_at),
                          'total_cents', o.total_cents, 'old_status', 'pending', 'new_status', o.status)
  from bench_orders o join bench_customers c on c.i = o.customer_i
 where o.i % 6 = 0 and o.created_at + interval '1 hour' < now();

insert into public.activity_log (id, kind, entity_type, entity_id, occurred_at, summary)
select row_number() over (order by occurred_at, entity_id, kind), kind, entity_type, entity_id, occurred_at, summary
  from bench_activity;
select setval('private.activity_log_id_seq', (select max(id) from public.activity_log));
alter table public.activity_log enable always trigger activity_log_post_insert;
commit;

set maintenance_work_mem = '1GB';
:search_idx;
:number_idx;
:history_idx;
-- The migration's backfill (20261202010000): the posting list, then its primary key.
select private.activity_postings_rebuild() as postings;
alter table private.activity_postings add primary key (key, activity_id);
vacuum analyze public.customers, public.products, public.orders, public.tickets, public.activity_log,
  private.activity_postings, private.activity_search_words;

select (select count(*) from public.activity_log) as activity, (select count(*) from public.tickets) as tickets,
       (select count(*) from public.customers) as customers, (select count(*) from public.orders) as orders,
       pg_size_pretty(pg_relation_size('public.activity_log')) as log_heap,
       pg_size_pretty(pg_relation_size('public.activity_log_search_text_idx')) as search_index,
       (select count(*) from private.activity_postings) as postings,
       pg_size_pretty(pg_total_relation_size('private.activity_postings')) as postings_size,
       (select count(*) from private.activity_search_words) as words;

-- The adversarial data set, written THROUGH the triggers as role postgres (no superuser, no
-- session_replication_role): every total, rollup, counter and activity row comes from the
-- triggers the application relies on.
--   200,000 customers, 5,000 products;
--   1,000,000 orders (~2.5 M items) spread over the last 365 days, in chunks of 100,000;
--   300,000 tickets spread over the last 365 days, all active, skewed statuses and priorities;
--   then ONE bulk update closes half of them (150,000 tickets closed at the same moment), so
--   150,000 stay active and the log ends with 150,000 status changes.
-- Replaces the shop data; keeps auth.users and profiles (the seed's staff logins).
\set ON_ERROR_STOP on
\timing on
set work_mem = '256MB';

-- TRUNCATE fires the epoch and the ticket-counter triggers.
truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly, private.activity_pending, private.activity_flush_requests;

insert into public.customers (id, full_name, email, created_at, updated_at)
select md5('c' || i)::uuid, 'Customer ' || i, 'customer' || i || '@example.com',
       now() - interval '730 days' + (i * interval '5 minutes'), now() - interval '730 days' + (i * interval '5 minutes')
  from generate_series(1, 200000) i;

insert into public.products (id, sku, name, price_cents, stock, active, created_at, updated_at)
select md5('p' || p)::uuid, 'BENCH-' || p, 'Product ' || p, 500 + (p * 7919) % 20000, (p * 31) % 500, true,
       now() - interval '800 days', now() - interval '800 days'
  from generate_series(1, 5000) p;

-- Orders and their items, 100,000 per transaction; each order gets 1-4 lines.
do $$
begin
  for chunk in 0..9 loop
    insert into public.orders (id, customer_id, status, created_at)
    select md5('o' || i)::uuid, md5('c' || (1 + (i * 7) % 200000))::uuid,
           case when i % 20 < 16 then 'paid' when i % 20 < 18 then 'pending' when i % 20 = 18 then 'cancelled'
                else 'refunded' end,
           now() - (i::double precision / 1000000) * interval '365 days'
      from generate_series(chunk * 100000 + 1, (chunk + 1) * 100000) i;
    insert into public.order_items (order_id, product_id, quantity, unit_price_cents, created_at)
    select md5('o' || i)::uuid, md5('p' || (1 + (i * 37 + j * 101) % 5000))::uuid, 1 + (i + j) % 3,
           500 + ((1 + (i * 37 + j * 101) % 5000) * 7919) % 20000,
           now() - (i::double precision / 1000000) * interval '365 days'
      from generate_series(chunk * 100000 + 1, (chunk + 1) * 100000) i
      cross join lateral generate_series(1, 1 + (i % 4)) j;
    commit;
  end loop;
end;
$$;

-- Tickets: 300,000 active ones over the year, 100,000 per transaction. Statuses skewed
-- (55 % open, 20 % in progress, 15 % waiting for parts, 10 % ready); priorities 5 % urgent,
-- 15 % high, 60 % normal, 20 % low.
do $$
begin
  for chunk in 0..2 loop
    insert into public.tickets (id, customer_id, device, issue, status, priority, created_at)
    select md5('t' || i)::uuid, md5('c' || (1 + (i * 13) % 200000))::uuid, 'Device ' || (i % 50), 'Issue ' || (i % 40),
           case when i % 20 < 11 then 'open' when i % 20 < 15 then 'in_progress' when i % 20 < 18 then 'waiting_parts'
                else 'ready' end,
           case when i % 20 = 0 then 'urgent' when i % 20 < 4 then 'high' when i % 20 < 16 then 'normal' else 'low' end,
           now() - (i::double precision / 300000) * interval '365 days'
      from generate_series(chunk * 100000 + 1, (chunk + 1) * 100000) i;
    commit;
  end loop;
end;
$$;

-- One bulk update closes every second ticket: 150,000 closings at one moment.
update public.tickets set status = 'closed' where number % 2 = 0;

vacuum analyze public.customers, public.products, public.orders, public.order_items, public.tickets,
  public.activity_log, public.sales_hourly, private.ticket_counts, private.ticket_moments, private.ticket_hourly;

select (select count(*) from public.orders) as orders, (select count(*) from public.order_items) as items,
       (select count(*) from public.tickets) as tickets,
       (select count(*) from public.tickets where status not in ('closed', 'cancelled')) as active,
       (select count(*) from public.customers) as customers, (select count(*) from public.activity_log) as activity;

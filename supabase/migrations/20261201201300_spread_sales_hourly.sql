-- sales_hourly had one row per hour, so every writer of a paid order held the current hour's
-- row from its first statement until commit: concurrent order writers ran one at a time. Now
-- a row per (hour, slot), the slot being the writer's backend pid mod 16 as for the ticket
-- counters; readers (private.paid_sales, private.revenue_buckets) already sum by bucket range.

alter table public.sales_hourly add column slot smallint not null default 0;
alter table public.sales_hourly drop constraint sales_hourly_pkey;
alter table public.sales_hourly add primary key (bucket, slot);
comment on table public.sales_hourly is
  'Paid orders per UTC hour of created_at, one row per hour and writer slot (sum the slots); maintained by triggers.';

-- The writer's counter slot. A function, so that bench/db-writers.ts can pin it to 0 to
-- measure the single-row rollup it replaces.
create function private.counter_slot() returns smallint
language sql
stable
set search_path = ''
as $$
  select (pg_backend_pid() % 16)::smallint
$$;
revoke execute on function private.counter_slot() from public;

create or replace function private.apply_sales_hourly() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_slot smallint := private.counter_slot();
begin
  -- Transition tables are planned only when their branch runs, so one function serves all
  -- three events. Buckets are upserted in bucket order so writers sharing a slot cannot deadlock.
  if tg_op = 'INSERT' then
    insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
    select date_trunc('hour', n.created_at, 'UTC'), v_slot, sum(n.total_cents), count(*), sum(n.item_count)
      from new_orders n
     where n.status = 'paid'
     group by 1
     order by 1
  on conflict (bucket, slot) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  elsif tg_op = 'DELETE' then
    insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
    select date_trunc('hour', o.created_at, 'UTC'), v_slot, -sum(o.total_cents), -count(*), -sum(o.item_count)
      from old_orders o
     where o.status = 'paid'
     group by 1
     order by 1
  on conflict (bucket, slot) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  else
    insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
    select d.bucket, v_slot, sum(d.revenue), sum(d.orders), sum(d.items)
      from (select date_trunc('hour', n.created_at, 'UTC') as bucket, n.total_cents as revenue, 1 as orders,
                   n.item_count as items
              from new_orders n where n.status = 'paid'
            union all
            select date_trunc('hour', o.created_at, 'UTC'), -o.total_cents, -1, -o.item_count
              from old_orders o where o.status = 'paid') d
     group by d.bucket
    having sum(d.revenue) <> 0 or sum(d.orders) <> 0 or sum(d.items) <> 0
     order by d.bucket
  on conflict (bucket, slot) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  end if;
  return null;
end;
$$;

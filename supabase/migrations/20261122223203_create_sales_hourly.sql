-- Hourly rollup of paid orders, so KPIs and the revenue chart read a few thousand rows instead
-- of scanning a million orders. Kept by statement triggers on orders (items reach it through
-- the orders.total_cents/item_count updates they cause). Buckets are UTC hours of
-- orders.created_at.

create table public.sales_hourly (
  bucket timestamptz primary key check (bucket = date_trunc('hour', bucket, 'UTC')),
  revenue_cents bigint not null default 0,
  orders_count int not null default 0,
  items_sold int not null default 0
);
comment on table public.sales_hourly is 'Paid orders per UTC hour of created_at; maintained by triggers.';

alter table public.sales_hourly enable row level security;
create policy "admins read sales" on public.sales_hourly for select to authenticated
  using ((select private.staff_role()) = 'admin');

revoke all on table public.sales_hourly from anon, authenticated;
grant select on table public.sales_hourly to authenticated;
grant all on table public.sales_hourly to service_role;

create function private.apply_sales_hourly() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Transition tables are planned only when their branch runs, so one function serves all
  -- three events. Buckets are upserted in bucket order so concurrent writers cannot deadlock.
  if tg_op = 'INSERT' then
    insert into public.sales_hourly as s (bucket, revenue_cents, orders_count, items_sold)
    select date_trunc('hour', n.created_at, 'UTC'), sum(n.total_cents), count(*), sum(n.item_count)
      from new_orders n
     where n.status = 'paid'
     group by 1
     order by 1
  on conflict (bucket) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  elsif tg_op = 'DELETE' then
    insert into public.sales_hourly as s (bucket, revenue_cents, orders_count, items_sold)
    select date_trunc('hour', o.created_at, 'UTC'), -sum(o.total_cents), -count(*), -sum(o.item_count)
      from old_orders o
     where o.status = 'paid'
     group by 1
     order by 1
  on conflict (bucket) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  else
    insert into public.sales_hourly as s (bucket, revenue_cents, orders_count, items_sold)
    select d.bucket, sum(d.revenue), sum(d.orders), sum(d.items)
      from (select date_trunc('hour', n.created_at, 'UTC') as bucket, n.total_cents as revenue, 1 as orders,
                   n.item_count as items
              from new_orders n where n.status = 'paid'
            union all
            select date_trunc('hour', o.created_at, 'UTC'), -o.total_cents, -1, -o.item_count
              from old_orders o where o.status = 'paid') d
     group by d.bucket
    having sum(d.revenue) <> 0 or sum(d.orders) <> 0 or sum(d.items) <> 0
     order by d.bucket
  on conflict (bucket) do update
    set revenue_cents = s.revenue_cents + excluded.revenue_cents,
        orders_count = s.orders_count + excluded.orders_count,
        items_sold = s.items_sold + excluded.items_sold;
  end if;
  return null;
end;
$$;
revoke execute on function private.apply_sales_hourly() from public;

create trigger orders_sales_hourly_insert after insert on public.orders
  referencing new table as new_orders
  for each statement execute function private.apply_sales_hourly();
create trigger orders_sales_hourly_update after update on public.orders
  referencing old table as old_orders new table as new_orders
  for each statement execute function private.apply_sales_hourly();
create trigger orders_sales_hourly_delete after delete on public.orders
  referencing old table as old_orders
  for each statement execute function private.apply_sales_hourly();

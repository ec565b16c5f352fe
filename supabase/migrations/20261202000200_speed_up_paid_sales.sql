-- private.paid_sales read the partial hour at the end of its range from orders. For a range that
-- ends now, that is every order of the current hour, the newest rows of the table (not yet
-- all-visible, so each costs a heap visit): with thousands of orders in the hour it took
-- milliseconds, and every dashboard delta (20261202000000) pays it at commit, under the
-- numbering lock. The end hour now comes from its sales_hourly rows (at most 16 slots) minus the
-- paid orders of that hour at or after p_to, which for a range ending now are only orders dated in
-- the future. Same figures (pgTAP 003 and 006 compare them with sums over orders).

create or replace function private.paid_sales(
  p_from timestamptz, p_to timestamptz,
  out revenue_cents bigint, out products_sold bigint, out orders_count bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_first timestamptz := date_trunc('hour', p_from, 'UTC');
  v_last timestamptz := date_trunc('hour', p_to, 'UTC');
begin
  if v_first < p_from then
    v_first := v_first + interval '1 hour';
  end if;
  if v_first >= v_last then
    select coalesce(sum(o.total_cents), 0), coalesce(sum(o.item_count), 0), count(*)
      into revenue_cents, products_sold, orders_count
      from public.orders o
     where o.status = 'paid' and o.created_at >= p_from and o.created_at < p_to;
    return;
  end if;
  -- [v_first, v_last + 1 h) from sales_hourly, then the start's partial hour added and the part
  -- of the last hour at or after p_to taken away (none when p_to is a whole hour).
  select coalesce(sum(x.revenue), 0), coalesce(sum(x.items), 0), coalesce(sum(x.orders), 0)
    into revenue_cents, products_sold, orders_count
    from (
      select sum(s.revenue_cents) as revenue, sum(s.items_sold) as items, sum(s.orders_count) as orders
        from public.sales_hourly s
       where s.bucket >= v_first and s.bucket < v_last + (case when v_last < p_to then interval '1 hour' else interval '0' end)
      union all
      select sum(o.total_cents), sum(o.item_count), count(*)
        from public.orders o
       where o.status = 'paid' and o.created_at >= p_from and o.created_at < v_first
      union all
      select -sum(o.total_cents), -sum(o.item_count), -count(*)
        from public.orders o
       where v_last < p_to and o.status = 'paid' and o.created_at >= p_to and o.created_at < v_last + interval '1 hour'
    ) x;
end;
$$;

-- The dashboard's read API. Every function checks the caller's staff role itself:
-- non-staff get SQLSTATE 42501 'staff only'; support gets 42501 where revenue is involved
-- (revenue_series, top_products) and nulls for the revenue parts of dashboard_kpis.
-- Bad arguments raise 22023. EXECUTE goes to authenticated and service_role only.

-- Paid sales in [p_from, p_to): whole UTC hours from sales_hourly, the partial hours at both
-- ends from orders (partial index orders_paid_created_at_idx), so the figures are exact.
create function private.paid_sales(
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
  select coalesce(sum(x.revenue), 0), coalesce(sum(x.items), 0), coalesce(sum(x.orders), 0)
    into revenue_cents, products_sold, orders_count
    from (
      select sum(s.revenue_cents) as revenue, sum(s.items_sold) as items, sum(s.orders_count) as orders
        from public.sales_hourly s
       where s.bucket >= v_first and s.bucket < v_last
      union all
      select sum(o.total_cents), sum(o.item_count), count(*)
        from public.orders o
       where o.status = 'paid' and o.created_at >= p_from and o.created_at < v_first
      union all
      select sum(o.total_cents), sum(o.item_count), count(*)
        from public.orders o
       where o.status = 'paid' and o.created_at >= v_last and o.created_at < p_to
    ) x;
end;
$$;
revoke execute on function private.paid_sales(timestamptz, timestamptz) from public;

-- Repairs not closed or cancelled at p_at (closed_at keeps the history).
create function private.active_repairs_at(p_at timestamptz) returns int
language sql
stable
security definer
set search_path = ''
as $$
  select (
    (select count(*) from public.tickets t
      where t.status not in ('closed', 'cancelled') and t.created_at <= p_at)
    + (select count(*) from public.tickets t
        where t.closed_at > p_at and t.created_at <= p_at)
  )::int
$$;
revoke execute on function private.active_repairs_at(timestamptz) from public;

create function private.require_staff() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := private.staff_role();
begin
  if v_role is null then
    raise exception 'staff only' using errcode = '42501',
      hint = 'Sign in with a staff account (admin or support).';
  end if;
  return v_role;
end;
$$;
revoke execute on function private.require_staff() from public;
grant execute on function private.require_staff() to authenticated, service_role;

-- dashboard_kpis ------------------------------------------------------------------------------
create function public.dashboard_kpis(
  p_from timestamptz default now() - interval '30 days',
  p_to timestamptz default now()
) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := private.require_staff();
  v_is_admin boolean := v_role = 'admin';
  v_length interval;
  v_cur_revenue bigint;
  v_cur_products bigint;
  v_cur_orders bigint;
  v_prev_revenue bigint;
  v_prev_products bigint;
  v_prev_orders bigint;
  v_cursor bigint;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  -- Exact seconds: a '30 days' interval would shift by an hour across a DST change.
  v_length := make_interval(secs => extract(epoch from p_to - p_from));

  -- Revenue figures stay null for support.
  if v_is_admin then
    select s.revenue_cents, s.products_sold, s.orders_count
      into v_cur_revenue, v_cur_products, v_cur_orders
      from private.paid_sales(p_from, p_to) s;
    select s.revenue_cents, s.products_sold, s.orders_count
      into v_prev_revenue, v_prev_products, v_prev_orders
      from private.paid_sales(p_from - v_length, p_from) s;
    select coalesce(max(a.id), 0) into v_cursor from public.activity_log a;
  else
    select coalesce(max(a.id), 0) into v_cursor from public.activity_log a where a.entity_type <> 'order';
  end if;

  return jsonb_build_object(
    'total_revenue_cents', v_cur_revenue,
    'products_sold', v_cur_products,
    'orders_count', v_cur_orders,
    'active_repairs', private.active_repairs_at(now()),
    'new_tickets_24h', (select count(*) from public.tickets t where t.created_at > now() - interval '24 hours'),
    'as_of', now(),
    'cursor', v_cursor,
    'role', v_role,
    'previous', jsonb_build_object(
      'total_revenue_cents', v_prev_revenue,
      'products_sold', v_prev_products,
      'orders_count', v_prev_orders,
      'new_tickets_24h', (select count(*) from public.tickets t
                           where t.created_at > now() - interval '48 hours'
                             and t.created_at <= now() - interval '24 hours'),
      'active_repairs', private.active_repairs_at(now() - interval '24 hours')
    )
  );
end;
$$;

-- revenue_series ------------------------------------------------------------------------------
-- Whole buckets (hour or local day in p_tz) from the one containing p_from to the one
-- containing p_to (exclusive end), every bucket present. The rollup is by UTC hour, so in a
-- zone with a half-hour offset a day bucket is off by that half hour.
create function public.revenue_series(
  p_from timestamptz,
  p_to timestamptz,
  p_bucket text default 'day',
  p_tz text default 'UTC'
) returns table (bucket_start timestamptz, revenue_cents bigint, orders_count int)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := private.require_staff();
  v_step interval;
  v_buckets timestamptz[];
begin
  if v_role <> 'admin' then
    raise exception 'revenue is available to admins only' using errcode = '42501';
  end if;
  if p_bucket is null or p_bucket not in ('hour', 'day') then
    raise exception 'p_bucket must be ''hour'' or ''day'', got %', coalesce(quote_literal(p_bucket), 'null')
      using errcode = '22023';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  begin
    perform now() at time zone p_tz;
  exception when others then
    raise exception 'unknown time zone %', coalesce(quote_literal(p_tz), 'null') using errcode = '22023';
  end;
  v_step := case p_bucket when 'hour' then interval '1 hour' else interval '1 day' end;
  if extract(epoch from p_to - p_from) / extract(epoch from v_step) > 2199 then
    raise exception 'too many buckets: at most 2200 % buckets per call', p_bucket using errcode = '22023';
  end if;

  if p_bucket = 'hour' then
    -- Adding '1 hour' to a timestamptz is exact, so the series is right in any zone.
    select array_agg(g order by g) into v_buckets
      from generate_series(date_trunc('hour', p_from, p_tz), p_to, interval '1 hour') g
     where g < p_to;
  else
    -- Days are stepped in local time so that DST days have 23 or 25 hours.
    select array_agg(g at time zone p_tz order by g) into v_buckets
      from generate_series(date_trunc('day', p_from at time zone p_tz), p_to at time zone p_tz, interval '1 day') g
     where g at time zone p_tz < p_to;
  end if;

  return query
  with b as (
    select u.start_at, lead(u.start_at) over (order by u.start_at) as end_at
      from unnest(v_buckets || (case p_bucket when 'hour' then v_buckets[cardinality(v_buckets)] + interval '1 hour'
                                 else ((v_buckets[cardinality(v_buckets)] at time zone p_tz) + interval '1 day')
                                        at time zone p_tz end)) as u(start_at)
  )
  select b.start_at, coalesce(sum(s.revenue_cents), 0)::bigint, coalesce(sum(s.orders_count), 0)::int
    from b
    left join public.sales_hourly s on s.bucket >= b.start_at and s.bucket < b.end_at
   where b.end_at is not null
   group by b.start_at
   order by b.start_at;
end;
$$;

-- activity_feed -------------------------------------------------------------------------------
-- Security invoker: RLS on activity_log decides the rows (support sees no order rows).
create function public.activity_feed(
  p_limit int default 50,
  p_after bigint default null,
  p_before bigint default null
) returns table (id bigint, kind text, entity_type text, entity_id uuid, occurred_at timestamptz, summary jsonb)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_limit int;
begin
  perform private.require_staff();
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be at least 1' using errcode = '22023';
  end if;
  if p_after is not null and p_before is not null then
    raise exception 'pass p_after or p_before, not both' using errcode = '22023';
  end if;
  v_limit := least(p_limit, 500);

  if p_after is not null then
    return query
    select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a where a.id > p_after order by a.id limit v_limit;
  elsif p_before is not null then
    return query
    select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a where a.id < p_before order by a.id desc limit v_limit;
  else
    return query
    select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a order by a.id desc limit v_limit;
  end if;
end;
$$;

-- ticket_status_breakdown ---------------------------------------------------------------------
create function public.ticket_status_breakdown()
returns table (status text, count int)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  return query
  -- One index-only count per status (tickets_status_idx): half the time of a grouped scan.
  select s.status, (select count(*) from public.tickets t where t.status = s.status)::int
    from unnest(array['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'])
         with ordinality as s(status, position)
   order by s.position;
end;
$$;

-- top_products --------------------------------------------------------------------------------
create function public.top_products(p_from timestamptz, p_to timestamptz, p_limit int default 5)
returns table (product_id uuid, name text, sku text, quantity int, revenue_cents bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if private.require_staff() <> 'admin' then
    raise exception 'product sales are available to admins only' using errcode = '42501';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be at least 1' using errcode = '22023';
  end if;
  return query
  select p.id, p.name, p.sku, sum(i.quantity)::int, sum(i.quantity::bigint * i.unit_price_cents)::bigint as revenue
    from public.orders o
    join public.order_items i on i.order_id = o.id
    join public.products p on p.id = i.product_id
   where o.status = 'paid' and o.created_at >= p_from and o.created_at < p_to
   group by p.id, p.name, p.sku
   order by revenue desc, 4 desc, p.name
   limit least(p_limit, 100);
end;
$$;

-- current_staff -------------------------------------------------------------------------------
create function public.current_staff() returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_staff jsonb;
begin
  select jsonb_build_object('id', p.id, 'email', u.email, 'display_name', p.display_name, 'role', p.role)
    into v_staff
    from public.profiles p
    join auth.users u on u.id = p.id
   where p.id = (select auth.uid());
  if v_staff is null then
    raise exception 'staff only' using errcode = '42501';
  end if;
  return v_staff;
end;
$$;

-- Grants: never public or anon ----------------------------------------------------------------
revoke execute on function
  public.dashboard_kpis(timestamptz, timestamptz),
  public.revenue_series(timestamptz, timestamptz, text, text),
  public.activity_feed(int, bigint, bigint),
  public.ticket_status_breakdown(),
  public.top_products(timestamptz, timestamptz, int),
  public.current_staff()
  from public, anon;
grant execute on function
  public.dashboard_kpis(timestamptz, timestamptz),
  public.revenue_series(timestamptz, timestamptz, text, text),
  public.activity_feed(int, bigint, bigint),
  public.ticket_status_breakdown(),
  public.top_products(timestamptz, timestamptz, int),
  public.current_staff()
  to authenticated, service_role;

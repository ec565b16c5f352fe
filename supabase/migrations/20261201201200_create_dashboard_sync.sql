-- public.dashboard_sync: everything the live overview and feed need to move from a cursor to
-- now, in one call and so one snapshot (a STABLE function reads with its calling query's
-- snapshot, and so does every STABLE function it calls). dashboard_kpis, revenue_series and
-- ticket_status_breakdown become thin wrappers over the same private code; activity_feed is
-- left as it is. Ticket figures come from the counters (private.ticket_*), revenue from
-- sales_hourly, so no read scans tickets, orders or the log.

-- Ticket moments in (p_from, p_to]; p_to null = no upper bound. Whole UTC hours come from
-- ticket_hourly, the partial hours at both ends from ticket_moments, so the sums are exact.
create function private.ticket_window(
  p_from timestamptz, p_to timestamptz,
  out opened bigint, out activated bigint, out closed bigint, out cancelled bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  -- A bucket [h, h + 1 h) lies inside (p_from, ...] only if h > p_from.
  v_first timestamptz := date_trunc('hour', p_from, 'UTC') + interval '1 hour';
  v_last timestamptz := date_trunc('hour', p_to, 'UTC');
begin
  if p_to is not null and v_first >= v_last then
    select coalesce(sum(m.opened), 0), coalesce(sum(m.activated), 0), coalesce(sum(m.closed), 0),
           coalesce(sum(m.cancelled), 0)
      into opened, activated, closed, cancelled
      from private.ticket_moments m where m.at > p_from and m.at <= p_to;
  elsif p_to is null then
    select coalesce(sum(x.opened), 0), coalesce(sum(x.activated), 0), coalesce(sum(x.closed), 0),
           coalesce(sum(x.cancelled), 0)
      into opened, activated, closed, cancelled
      from (select h.opened, h.activated, h.closed, h.cancelled
              from private.ticket_hourly h where h.bucket >= v_first
            union all
            select m.opened, m.activated, m.closed, m.cancelled
              from private.ticket_moments m where m.at > p_from and m.at < v_first) x;
  else
    select coalesce(sum(x.opened), 0), coalesce(sum(x.activated), 0), coalesce(sum(x.closed), 0),
           coalesce(sum(x.cancelled), 0)
      into opened, activated, closed, cancelled
      from (select h.opened, h.activated, h.closed, h.cancelled
              from private.ticket_hourly h where h.bucket >= v_first and h.bucket < v_last
            union all
            select m.opened, m.activated, m.closed, m.cancelled
              from private.ticket_moments m where m.at > p_from and m.at < v_first
            union all
            select m.opened, m.activated, m.closed, m.cancelled
              from private.ticket_moments m where m.at >= v_last and m.at <= p_to) x;
  end if;
end;
$$;
revoke execute on function private.ticket_window(timestamptz, timestamptz) from public;

create function private.active_tickets_total() returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(sum(c.tickets), 0)::bigint from private.ticket_counts c
   where c.status in ('open', 'in_progress', 'waiting_parts', 'ready')
$$;
revoke execute on function private.active_tickets_total() from public;

-- Repairs active at p_at (created by then, not closed or cancelled at that moment), from the
-- counters: the active ones now minus the net activations after p_at.
create or replace function private.active_repairs_at(p_at timestamptz) returns int
language sql
stable
security definer
set search_path = ''
as $$
  select (private.active_tickets_total() - (select w.activated from private.ticket_window(p_at, null) w))::int
$$;

-- The highest activity id the role may see (0 when none): support never sees order rows.
create function private.visible_cursor(p_admin boolean) returns bigint
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_cursor bigint;
begin
  if p_admin then
    select max(a.id) into v_cursor from public.activity_log a;
  else
    select max(a.id) into v_cursor from public.activity_log a where a.entity_type <> 'order';
  end if;
  return coalesce(v_cursor, 0);
end;
$$;
revoke execute on function private.visible_cursor(boolean) from public;

-- The role's visible activity rows with id > p_after (all when null), newest first, at most
-- p_limit; the same fields as activity_feed. Role filter as the policies on activity_log.
create function private.feed_rows(p_admin boolean, p_after bigint, p_limit int)
returns table (id bigint, kind text, entity_type text, entity_id uuid, occurred_at timestamptz, summary jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- Separate statements so each plan walks an index down from the newest row and stops.
  if p_admin and p_after is null then
    return query select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a order by a.id desc limit p_limit;
  elsif p_admin then
    return query select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a where a.id > p_after order by a.id desc limit p_limit;
  elsif p_after is null then
    return query select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a where a.entity_type <> 'order' order by a.id desc limit p_limit;
  else
    return query select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
      from public.activity_log a where a.entity_type <> 'order' and a.id > p_after
     order by a.id desc limit p_limit;
  end if;
end;
$$;
revoke execute on function private.feed_rows(boolean, bigint, int) from public;

-- The KPI object of dashboard_kpis: revenue for [p_from, p_to), tickets in the 24 h windows
-- ending at p_now.
create function private.kpis(p_role text, p_from timestamptz, p_to timestamptz, p_cursor bigint, p_now timestamptz)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_is_admin boolean := p_role = 'admin';
  v_length interval;
  v_cur_revenue bigint;
  v_cur_products bigint;
  v_cur_orders bigint;
  v_prev_revenue bigint;
  v_prev_products bigint;
  v_prev_orders bigint;
  v_active bigint := private.active_tickets_total();
  v_future bigint;
  v_last_24h record;
  v_prev_24h record;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  -- Exact seconds: a '30 days' interval would shift by an hour across a DST change.
  v_length := make_interval(secs => extract(epoch from p_to - p_from));
  if v_is_admin then
    select s.revenue_cents, s.products_sold, s.orders_count
      into v_cur_revenue, v_cur_products, v_cur_orders
      from private.paid_sales(p_from, p_to) s;
    select s.revenue_cents, s.products_sold, s.orders_count
      into v_prev_revenue, v_prev_products, v_prev_orders
      from private.paid_sales(p_from - v_length, p_from) s;
  end if;

  -- Tickets created after now (rare: an import with future dates) are not active yet.
  select w.activated into v_future from private.ticket_window(p_now, null) w;
  select * into v_last_24h from private.ticket_window(p_now - interval '24 hours', null);
  select * into v_prev_24h from private.ticket_window(p_now - interval '48 hours', p_now - interval '24 hours');

  return jsonb_build_object(
    'total_revenue_cents', v_cur_revenue,
    'products_sold', v_cur_products,
    'orders_count', v_cur_orders,
    'active_repairs', v_active - v_future,
    'new_tickets_24h', v_last_24h.opened,
    'as_of', p_now,
    'cursor', p_cursor,
    'role', p_role,
    'previous', jsonb_build_object(
      'total_revenue_cents', v_prev_revenue,
      'products_sold', v_prev_products,
      'orders_count', v_prev_orders,
      'new_tickets_24h', v_prev_24h.opened,
      'active_repairs', v_active - v_last_24h.activated
    )
  );
end;
$$;
revoke execute on function private.kpis(text, timestamptz, timestamptz, bigint, timestamptz) from public;

create function private.ticket_status_counts() returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_agg(jsonb_build_object('status', s.status, 'count', coalesce(c.n, 0)) order by s.position)
    from unnest(array['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'])
         with ordinality as s(status, position)
    left join lateral (select sum(t.tickets)::int as n from private.ticket_counts t where t.status = s.status) c on true
$$;
revoke execute on function private.ticket_status_counts() from public;

-- The overview's tickets card: the active statuses with their urgent/high counts and oldest
-- ticket (index tickets_status_created_at_idx), and what was closed or cancelled in 30 days.
create function private.ticket_aging_json(p_now timestamptz) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_active jsonb;
  v_done record;
begin
  select jsonb_agg(jsonb_build_object(
           'status', s.status, 'count', coalesce(c.n, 0), 'urgent', coalesce(c.urgent, 0), 'high', coalesce(c.high, 0),
           'oldest_created_at', o.oldest,
           'oldest_seconds', floor(extract(epoch from p_now - o.oldest))::bigint)
         order by s.position)
    into v_active
    from unnest(array['open', 'in_progress', 'waiting_parts', 'ready']) with ordinality as s(status, position)
    left join lateral (
      select sum(t.tickets)::int as n, (sum(t.tickets) filter (where t.priority = 'urgent'))::int as urgent,
             (sum(t.tickets) filter (where t.priority = 'high'))::int as high
        from private.ticket_counts t where t.status = s.status) c on true
    left join lateral (select min(k.created_at) as oldest from public.tickets k where k.status = s.status) o on true;
  select * into v_done from private.ticket_window(p_now - interval '30 days', null);
  return jsonb_build_object(
    'active', v_active,
    'done_30d', jsonb_build_object('closed', v_done.closed, 'cancelled', v_done.cancelled));
end;
$$;
revoke execute on function private.ticket_aging_json(timestamptz) from public;

-- Revenue buckets, role checks left to the caller ---------------------------------------------
create function private.check_revenue_args(p_from timestamptz, p_to timestamptz, p_bucket text, p_tz text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_bucket is null or p_bucket not in ('hour', 'day') then
    raise exception 'p_bucket must be ''hour'' or ''day'', got %', coalesce(quote_literal(p_bucket), 'null')
      using errcode = '22023';
  end if;
  begin
    perform now() at time zone p_tz;
  exception when others then
    raise exception 'unknown time zone %', coalesce(quote_literal(p_tz), 'null') using errcode = '22023';
  end;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  if extract(epoch from p_to - p_from) / (case p_bucket when 'hour' then 3600 else 86400 end) > 2199 then
    raise exception 'too many buckets: at most 2200 % buckets per call', p_bucket using errcode = '22023';
  end if;
end;
$$;
revoke execute on function private.check_revenue_args(timestamptz, timestamptz, text, text) from public;

-- Whole buckets (hour or local day in p_tz) from the one containing p_from to the one
-- containing p_to (exclusive end), every bucket present; see revenue_series.
create function private.revenue_buckets(p_from timestamptz, p_to timestamptz, p_bucket text, p_tz text)
returns table (bucket_start timestamptz, revenue_cents bigint, orders_count int)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_buckets timestamptz[];
begin
  perform private.check_revenue_args(p_from, p_to, p_bucket, p_tz);
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
revoke execute on function private.revenue_buckets(timestamptz, timestamptz, text, text) from public;

-- The public RPCs, same signatures as before ---------------------------------------------------
create or replace function public.dashboard_kpis(
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
begin
  return private.kpis(v_role, p_from, p_to, private.visible_cursor(v_role = 'admin'), now());
end;
$$;

create or replace function public.revenue_series(
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
begin
  if private.require_staff() <> 'admin' then
    raise exception 'revenue is available to admins only' using errcode = '42501';
  end if;
  return query select * from private.revenue_buckets(p_from, p_to, p_bucket, p_tz);
end;
$$;

create or replace function public.ticket_status_breakdown()
returns table (status text, count int)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  return query select e ->> 'status', (e ->> 'count')::int
    from jsonb_array_elements(private.ticket_status_counts()) e;
end;
$$;

create function public.ticket_aging() returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_staff();
  return private.ticket_aging_json(now());
end;
$$;

-- dashboard_sync ------------------------------------------------------------------------------
create function public.dashboard_sync(
  p_after bigint default null,
  p_epoch text default null,
  p_limit int default 100,
  p_revenue_from timestamptz default null,
  p_bucket text default 'day',
  p_tz text default 'UTC'
) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := private.require_staff();
  v_is_admin boolean := v_role = 'admin';
  -- Taken after the snapshot: every transaction this call sees started (its now(), the
  -- created_at and closed_at it wrote) before v_now, so the KPIs count every row the feed shows.
  v_now timestamptz := clock_timestamp();
  v_epoch text := private.activity_epoch();
  v_reset boolean;
  v_after bigint := p_after;
  v_cursor bigint;
  v_feed jsonb;
  v_rows int;
  v_revenue jsonb;
begin
  if p_limit is null or p_limit < 1 or p_limit > 1000 then
    raise exception 'p_limit must be between 1 and 1000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  if p_after < 0 then
    raise exception 'p_after must not be negative' using errcode = '22023';
  end if;
  -- The same arguments are refused for every role, whether or not revenue is returned.
  perform private.check_revenue_args(coalesce(p_revenue_from, v_now), v_now, p_bucket, p_tz);

  -- A cursor above every id ever issued means the ids went back (restore, failover).
  v_reset := (p_epoch is not null and p_epoch is distinct from v_epoch)
             or coalesce(p_after > private.activity_ids_issued(), false);
  if v_reset then
    v_after := null;  -- the client drops what it holds: give it a fresh snapshot
  end if;

  v_cursor := private.visible_cursor(v_is_admin);
  select coalesce(jsonb_agg(to_jsonb(f) order by f.id desc), '[]'::jsonb), count(*)
    into v_feed, v_rows
    from private.feed_rows(v_is_admin, v_after, p_limit + 1) f;
  if v_rows > p_limit then
    v_feed := v_feed - p_limit;  -- drop the one extra (oldest) row: it only told us there is more
  end if;

  if v_is_admin and p_revenue_from is not null then
    select coalesce(jsonb_agg(to_jsonb(r) order by r.bucket_start), '[]'::jsonb) into v_revenue
      from private.revenue_buckets(p_revenue_from, v_now, p_bucket, p_tz) r;
  end if;

  return jsonb_build_object(
    'epoch', v_epoch,
    'reset', v_reset,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows <= p_limit,
    'kpis', private.kpis(v_role, v_now - interval '30 days', v_now, v_cursor, v_now),
    'ticket_status', private.ticket_status_counts(),
    'revenue', v_revenue,
    'ticket_aging', private.ticket_aging_json(v_now)
  );
end;
$$;

revoke execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text), public.ticket_aging()
  from public, anon;
grant execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text), public.ticket_aging()
  to authenticated, service_role;

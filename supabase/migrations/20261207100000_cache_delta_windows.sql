-- Issue 16: the dashboard delta off the critical section. Every writing transaction built its delta
-- under the numbering lock (private.flush_activity), and most of that was the KPIs' 30-day
-- windows: private.paid_sales twice (about 720 sales_hourly rows each), private.ticket_window
-- three times (24 and 720 ticket_hourly rows), ticket_counts read three times, and the slot fold.
--
-- Why the figures still come from under the lock. A delta's absolute figures must include every
-- transaction that committed before it (they never go back, and the client replaces what it holds
-- with them). Figures read BEFORE the lock miss whatever commits between that read and the lock:
-- a writer that read at t0, waited for the lock while another writer committed an order at t1,
-- would send at t2 a revenue without that order, after the other writer's delta had it: the
-- figures would go back. Only a difference (this transaction's own changes) may be computed
-- before the lock; absolute figures may not. And a single writer gains nothing from moving work
-- out of the lock: its commit costs the same. So the work is made small instead, and stays under
-- the lock where it is correct:
--
--   * Finished hours are cached. private.delta_window_cache holds, per counter table and range of
--     whole UTC hours [lo, hi) with hi at or before the current hour, the sums of its hourly rows.
--     A delta reads the cached range, the current hour's slot rows and the partial hours at the
--     window's edges (a few index steps), instead of 720 rows per window.
--   * A cache row is built by a READ COMMITTED delta under the numbering lock, so it holds every
--     transaction that committed before (each released the lock only once its commit was
--     visible), and is stamped with a number from private.delta_hour_seq.
--   * Every transaction that changed a finished hour (a backdated order or ticket, a refund of an
--     old order, a reopened or deleted ticket) appends its net changes per hour to
--     private.delta_hour_adjust under the numbering lock, numbered from the same sequence. A cached
--     range counts the adjustments numbered after it. Append-only, so REPEATABLE READ and
--     SERIALIZABLE writers (whose snapshot may not see the cache row) never conflict and never
--     miss: their changes are appended whatever they see.
--       - sales: from private.delta_revenue_pending (every hour the transaction changed);
--       - tickets: row triggers on private.ticket_hourly record the changes of hours before the
--         transaction's start hour (date_trunc('hour', now())) into private.delta_hour_pending. The
--         hours from the start hour on are not recorded (that is every usual write); they can only
--         be inside a cached range if the hour turned between the transaction's start and its flush,
--         and then the flush appends a marker (null sums) at the start hour: every cached range
--         with hi after it is rebuilt by the next delta.
--   * A delta that finds adjustments for a cached range folds them into it (the range takes the
--     newest number), so later deltas do not read them again. Cache rows older than two hours, and
--     adjustments older than every cache row, are dropped when a range is built or folded.
--   * The build's functions run with generic plans: their custom plans were planned again at every
--     commit, which cost as much as running them.
--   * ticket_counts is read once for active repairs, status counts and aging counts.
--   * The slot fold (private.compact_counter_slots) runs before the lock: it moves sums between
--     slot rows of hours that are over and never changes a figure.
-- REPEATABLE READ and SERIALIZABLE writers (from_cursor -1) build their figures as before, without
-- the cache. private.dashboard_sync is unchanged: pgTAP 014 compares every delta's figures with
-- it, and pgTAP 018 compares the cache with a recount after random writes, backdated ones,
-- markers and truncations.

-- Tables -----------------------------------------------------------------------------------------
-- Unlogged like private.delta_revenue_pending: a crash empties all three together, and an empty
-- cache is only rebuilt.
create sequence private.delta_hour_seq;
revoke all on sequence private.delta_hour_seq from public, anon, authenticated;

-- tbl: 1 = public.sales_hourly (a revenue_cents, b orders_count, c items_sold, d 0);
--      2 = private.ticket_hourly (a opened, b activated, c closed, d cancelled).
create unlogged table private.delta_window_cache (
  tbl smallint not null,
  lo timestamptz not null,
  hi timestamptz not null,
  seq bigint not null,
  built_at timestamptz not null default clock_timestamp(),
  a bigint not null,
  b bigint not null,
  c bigint not null,
  d bigint not null,
  primary key (tbl, lo, hi)
);
alter table private.delta_window_cache enable row level security;
revoke all on table private.delta_window_cache from public, anon, authenticated;

create unlogged table private.delta_hour_adjust (
  seq bigint not null,
  tbl smallint not null,
  bucket timestamptz not null,
  a bigint,
  b bigint,
  c bigint,
  d bigint
);
create index delta_hour_adjust_tbl_seq_idx on private.delta_hour_adjust (tbl, seq);
alter table private.delta_hour_adjust enable row level security;
revoke all on table private.delta_hour_adjust from public, anon, authenticated;

-- Changes of a transaction in flight to ticket_hourly rows of hours before its start hour.
create unlogged table private.delta_hour_pending (
  txid xid8 not null default pg_current_xact_id(),
  bucket timestamptz not null,
  a bigint not null,
  b bigint not null,
  c bigint not null,
  d bigint not null
);
create index delta_hour_pending_txid_idx on private.delta_hour_pending (txid);
alter table private.delta_hour_pending enable row level security;
revoke all on table private.delta_hour_pending from public, anon, authenticated;

-- Recording ----------------------------------------------------------------------------------------
create function private.record_ticket_hour() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and old.bucket < date_trunc('hour', now(), 'UTC') then
    insert into private.delta_hour_pending (bucket, a, b, c, d)
    values (old.bucket, -old.opened, -old.activated, -old.closed, -old.cancelled);
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.bucket < date_trunc('hour', now(), 'UTC') then
    insert into private.delta_hour_pending (bucket, a, b, c, d)
    values (new.bucket, new.opened, new.activated, new.closed, new.cancelled);
  end if;
  return null;
end;
$$;
revoke execute on function private.record_ticket_hour() from public;

-- The usual write (this hour) does not call the function: the WHEN clause is checked in place.
create trigger ticket_hourly_record_insert after insert on private.ticket_hourly
  for each row when (new.bucket < date_trunc('hour', now(), 'UTC')) execute function private.record_ticket_hour();
create trigger ticket_hourly_record_update after update on private.ticket_hourly
  for each row when (old.bucket < date_trunc('hour', now(), 'UTC') or new.bucket < date_trunc('hour', now(), 'UTC'))
  execute function private.record_ticket_hour();
create trigger ticket_hourly_record_delete after delete on private.ticket_hourly
  for each row when (old.bucket < date_trunc('hour', now(), 'UTC')) execute function private.record_ticket_hour();

-- TRUNCATE of a counter table drops its cached ranges (nothing else writes them in bulk).
create function private.drop_delta_windows() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.delta_window_cache w where w.tbl = tg_argv[0]::smallint;
  return null;
end;
$$;
revoke execute on function private.drop_delta_windows() from public;

create trigger sales_hourly_truncate_delta_windows after truncate on public.sales_hourly
  for each statement execute function private.drop_delta_windows('1');
create trigger ticket_hourly_truncate_delta_windows after truncate on private.ticket_hourly
  for each statement execute function private.drop_delta_windows('2');

-- Cached sums ----------------------------------------------------------------------------------------
-- The sums of table p_tbl's hourly rows with bucket in [p_lo, p_hi): the cached range plus the
-- adjustments numbered after it, or a new range read now. Only under the numbering lock, READ
-- COMMITTED, with p_hi at or before the current hour.
create function private.delta_window(
  p_tbl smallint, p_lo timestamptz, p_hi timestamptz, out a bigint, out b bigint, out c bigint, out d bigint
)
language plpgsql
security definer
set search_path = ''
-- Generic plans: custom ones were planned again at every call (half of the build's time).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_seq bigint;
  v_marks bigint;
  v_a bigint;
  v_b bigint;
  v_c bigint;
  v_d bigint;
begin
  if p_lo >= p_hi then
    a := 0; b := 0; c := 0; d := 0;
    return;
  end if;
  select w.seq, w.a, w.b, w.c, w.d into v_seq, a, b, c, d
    from private.delta_window_cache w where w.tbl = p_tbl and w.lo = p_lo and w.hi = p_hi;
  if found then
    select count(*) filter (where j.a is null), coalesce(sum(j.a), 0), coalesce(sum(j.b), 0), coalesce(sum(j.c), 0),
           coalesce(sum(j.d), 0)
      into v_marks, v_a, v_b, v_c, v_d
      from private.delta_hour_adjust j
     where j.tbl = p_tbl and j.seq > v_seq and j.bucket < p_hi and (j.a is null or j.bucket >= p_lo);
    if v_marks = 0 then
      a := a + v_a; b := b + v_b; c := c + v_c; d := d + v_d;
      return;
    end if;
  end if;

  -- Every adjustment numbered before this is in the rows read now (its writer has committed).
  v_seq := nextval('private.delta_hour_seq');
  if p_tbl = 1 then
    select coalesce(sum(s.revenue_cents), 0), coalesce(sum(s.orders_count), 0), coalesce(sum(s.items_sold), 0), 0
      into a, b, c, d
      from public.sales_hourly s where s.bucket >= p_lo and s.bucket < p_hi;
  else
    select coalesce(sum(h.opened), 0), coalesce(sum(h.activated), 0), coalesce(sum(h.closed), 0),
           coalesce(sum(h.cancelled), 0)
      into a, b, c, d
      from private.ticket_hourly h where h.bucket >= p_lo and h.bucket < p_hi;
  end if;
  insert into private.delta_window_cache as w (tbl, lo, hi, seq, a, b, c, d)
  values (p_tbl, p_lo, p_hi, v_seq, a, b, c, d)
  on conflict (tbl, lo, hi) do update
    set seq = excluded.seq, built_at = excluded.built_at, a = excluded.a, b = excluded.b, c = excluded.c, d = excluded.d;
  delete from private.delta_window_cache w where w.built_at < clock_timestamp() - interval '2 hours';
  delete from private.delta_hour_adjust j where j.seq < (select min(w.seq) from private.delta_window_cache w);
end;
$$;
revoke execute on function private.delta_window(smallint, timestamptz, timestamptz) from public;

-- The admin KPI object of private.kpis('admin', p_now - 30 days, p_now, p_cursor, p_now),
-- private.ticket_status_counts() and, when p_aging, private.ticket_aging_json(p_now): the same
-- figures, read in four statements. Each window is split as private.paid_sales and
-- private.ticket_window split it; their whole hours before the current one come from the cache:
--   sales, [p_from, p_to):  hours [first, last) cached, + the hour `last` (when p_to is inside it)
--                           + orders in [p_from, first) - orders in [p_to, last + 1 h);
--   tickets, (p_from, ...): hours [first, current) cached, + hours from the current one on
--                           + moments in (p_from, first);
--   tickets, (p_from, p_to]: hours [first, last) cached, + moments in (p_from, first) and [last, p_to].
-- Only under the numbering lock, READ COMMITTED (see private.delta_window).
create function private.delta_figures(
  p_now timestamptz, p_cursor bigint, p_aging boolean, out kpis jsonb, out status jsonb, out aging jsonb
)
language plpgsql
security definer
set search_path = ''
-- Generic plans: custom ones were planned again at every call (half of the build's time).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_from timestamptz := p_now - interval '30 days';
  v_length interval := make_interval(secs => extract(epoch from p_now - v_from));
  v_prev_from timestamptz := v_from - v_length;
  v_hour timestamptz := date_trunc('hour', p_now, 'UTC');
  v_next timestamptz := v_hour + interval '1 hour';
  -- window starts and ends (see above)
  v_cur_first timestamptz := date_trunc('hour', v_from, 'UTC');
  v_prev_first timestamptz := date_trunc('hour', v_prev_from, 'UTC');
  v_prev_last timestamptz := date_trunc('hour', v_from, 'UTC');
  v_24_from timestamptz := p_now - interval '24 hours';
  v_24_first timestamptz := date_trunc('hour', p_now - interval '24 hours', 'UTC') + interval '1 hour';
  v_48_from timestamptz := p_now - interval '48 hours';
  v_48_first timestamptz := date_trunc('hour', p_now - interval '48 hours', 'UTC') + interval '1 hour';
  v_48_last timestamptz := date_trunc('hour', p_now - interval '24 hours', 'UTC');
  v_30_first timestamptz := date_trunc('hour', v_from, 'UTC') + interval '1 hour';
  -- cached sums: w[k][1..4], k = 1 sales now, 2 sales before, 3 tickets 24 h, 4 tickets 48-24 h, 5 tickets 30 days
  v_tbl smallint[] := array[1, 1, 2, 2, 2];
  v_lo timestamptz[];
  v_hi timestamptz[];
  w bigint[] := array_fill(0::bigint, array[5, 4]);
  r record;
  x record;
  v_active bigint;
  v_aging_active jsonb;
  v_folded boolean := false;
begin
  if v_cur_first < v_from then
    v_cur_first := v_cur_first + interval '1 hour';
  end if;
  if v_prev_first < v_prev_from then
    v_prev_first := v_prev_first + interval '1 hour';
  end if;
  v_lo := array[v_cur_first, v_prev_first, v_24_first, v_48_first, v_30_first];
  v_hi := array[v_hour, v_prev_last, v_hour, v_48_last, v_hour];
  if not (v_cur_first < v_hour and v_prev_first < v_prev_last and v_24_first < v_hour and v_48_first < v_48_last
          and v_30_first < v_hour) then
    -- Not the shape of a 30-day and 24-hour window (cannot happen); read as dashboard_sync does.
    kpis := private.kpis('admin', v_from, p_now, p_cursor, p_now);
    status := private.ticket_status_counts();
    if p_aging then
      aging := private.ticket_aging_json(p_now);
    end if;
    return;
  end if;

  -- The cached ranges with their later adjustments, in one statement; a range missing or behind
  -- a marker is read again (private.delta_window).
  for r in
    select k.k, c.seq is not null and coalesce(j.marks, 0) = 0 as hit, coalesce(j.n, 0) as n, j.last_seq,
           c.a + coalesce(j.a, 0) as a, c.b + coalesce(j.b, 0) as b, c.c + coalesce(j.c, 0) as c,
           c.d + coalesce(j.d, 0) as d
      from generate_subscripts(v_tbl, 1) k(k)
      left join private.delta_window_cache c on c.tbl = v_tbl[k.k] and c.lo = v_lo[k.k] and c.hi = v_hi[k.k]
      left join lateral (
        select count(*) as n, count(*) filter (where a.a is null) as marks, max(a.seq) as last_seq, sum(a.a) as a,
               sum(a.b) as b, sum(a.c) as c, sum(a.d) as d
          from private.delta_hour_adjust a
         where a.tbl = c.tbl and a.seq > c.seq and a.bucket < c.hi and (a.a is null or a.bucket >= c.lo)) j on true
     where k.k <= 4 or p_aging
  loop
    if r.hit then
      w[r.k][1] := r.a; w[r.k][2] := r.b; w[r.k][3] := r.c; w[r.k][4] := r.d;
      if r.n > 0 then
        -- Folded in, so that later deltas do not read them again: every adjustment numbered up to
        -- r.last_seq is visible here (each was appended under the lock, its writer has committed).
        update private.delta_window_cache c set seq = r.last_seq, a = r.a, b = r.b, c = r.c, d = r.d
         where c.tbl = v_tbl[r.k] and c.lo = v_lo[r.k] and c.hi = v_hi[r.k];
        v_folded := true;
      end if;
    else
      select * into x from private.delta_window(v_tbl[r.k], v_lo[r.k], v_hi[r.k]);
      w[r.k][1] := x.a; w[r.k][2] := x.b; w[r.k][3] := x.c; w[r.k][4] := x.d;
    end if;
  end loop;
  if v_folded then
    delete from private.delta_hour_adjust j where j.seq <= (select min(w.seq) from private.delta_window_cache w);
  end if;

  -- Sales: the hours not cached and the partial hours from orders (w[k][1..3] = revenue, orders, items).
  select w[1][1] + coalesce(sum(e.revenue) filter (where e.k = 1), 0) as cur_revenue,
         w[1][2] + coalesce(sum(e.orders) filter (where e.k = 1), 0) as cur_orders,
         w[1][3] + coalesce(sum(e.items) filter (where e.k = 1), 0) as cur_items,
         w[2][1] + coalesce(sum(e.revenue) filter (where e.k = 2), 0) as prev_revenue,
         w[2][2] + coalesce(sum(e.orders) filter (where e.k = 2), 0) as prev_orders,
         w[2][3] + coalesce(sum(e.items) filter (where e.k = 2), 0) as prev_items
    into r
    from (
      -- Separate branches with one range each, so that every generic plan steps down an index.
      select 1 as k, s.revenue_cents as revenue, s.orders_count as orders, s.items_sold as items
        from public.sales_hourly s where v_hour < p_now and s.bucket = v_hour
      union all
      select 2, s.revenue_cents, s.orders_count, s.items_sold
        from public.sales_hourly s where v_prev_last < v_from and s.bucket = v_prev_last
      union all
      select 1, o.total_cents, 1, o.item_count
        from public.orders o where o.status = 'paid' and o.created_at >= v_from and o.created_at < v_cur_first
      union all
      select 2, o.total_cents, 1, o.item_count
        from public.orders o where o.status = 'paid' and o.created_at >= v_prev_from and o.created_at < v_prev_first
      union all
      select 1, -o.total_cents, -1, -o.item_count
        from public.orders o
       where v_hour < p_now and o.status = 'paid' and o.created_at >= p_now and o.created_at < v_next
      union all
      select 2, -o.total_cents, -1, -o.item_count
        from public.orders o
       where v_prev_last < v_from and o.status = 'paid' and o.created_at >= v_from
         and o.created_at < v_prev_last + interval '1 hour'
    ) e;

  -- Tickets: the hours from the current one on, and the partial hours from moments.
  select w[3][1] + coalesce(sum(e.opened) filter (where e.k in (0, 3)), 0) as opened_24h,
         w[3][2] + coalesce(sum(e.activated) filter (where e.k in (0, 3)), 0) as activated_24h,
         w[4][1] + coalesce(sum(e.opened) filter (where e.k = 4), 0) as opened_48h,
         w[5][3] + coalesce(sum(e.closed) filter (where e.k in (0, 5)), 0) as closed_30d,
         w[5][4] + coalesce(sum(e.cancelled) filter (where e.k in (0, 5)), 0) as cancelled_30d,
         coalesce(sum(e.activated) filter (where e.k = 1 or (e.k = 0 and e.future)), 0) as activated_future
    into x
    from (
      select 0 as k, h.bucket >= v_next as future, h.opened, h.activated, h.closed, h.cancelled
        from private.ticket_hourly h where h.bucket >= v_hour
      union all
      select 1, false, m.opened, m.activated, m.closed, m.cancelled
        from private.ticket_moments m where m.at > p_now and m.at < v_next
      union all
      select 3, false, m.opened, m.activated, m.closed, m.cancelled
        from private.ticket_moments m where m.at > v_24_from and m.at < v_24_first
      union all
      select 4, false, m.opened, m.activated, m.closed, m.cancelled
        from private.ticket_moments m where m.at > v_48_from and m.at < v_48_first
      union all
      select 4, false, m.opened, m.activated, m.closed, m.cancelled
        from private.ticket_moments m where m.at >= v_48_last and m.at <= v_24_from
      union all
      select 5, false, m.opened, m.activated, m.closed, m.cancelled
        from private.ticket_moments m where p_aging and m.at > v_from and m.at < v_30_first
    ) e;

  with c as (
    select k.status, sum(k.tickets)::int as n, (sum(k.tickets) filter (where k.priority = 'urgent'))::int as urgent,
           (sum(k.tickets) filter (where k.priority = 'high'))::int as high
      from private.ticket_counts k group by k.status
  )
  select coalesce((select sum(c.n) from c where c.status in ('open', 'in_progress', 'waiting_parts', 'ready')), 0),
         jsonb_agg(jsonb_build_object('status', s.status, 'count', coalesce(c.n, 0)) order by s.position),
         jsonb_agg(jsonb_build_object(
                     'status', s.status, 'count', coalesce(c.n, 0), 'urgent', coalesce(c.urgent, 0),
                     'high', coalesce(c.high, 0), 'oldest_created_at', o.oldest,
                     'oldest_seconds', floor(extract(epoch from p_now - o.oldest))::bigint)
                   order by s.position) filter (where s.position <= 4)
    into v_active, status, v_aging_active
    from unnest(array['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'])
         with ordinality as s(status, position)
    left join c on c.status = s.status
    left join lateral (select min(k.created_at) as oldest from public.tickets k
                        where p_aging and s.position <= 4 and k.status = s.status) o on true;

  if p_aging then
    aging := jsonb_build_object(
      'active', v_aging_active,
      'done_30d', jsonb_build_object('closed', x.closed_30d, 'cancelled', x.cancelled_30d));
  end if;

  kpis := jsonb_build_object(
    'total_revenue_cents', r.cur_revenue,
    'products_sold', r.cur_items,
    'orders_count', r.cur_orders,
    'active_repairs', v_active - x.activated_future,
    'new_tickets_24h', x.opened_24h,
    'as_of', p_now,
    'cursor', p_cursor,
    'role', 'admin',
    'previous', jsonb_build_object(
      'total_revenue_cents', r.prev_revenue,
      'products_sold', r.prev_items,
      'orders_count', r.prev_orders,
      'new_tickets_24h', x.opened_48h,
      'active_repairs', v_active - x.activated_24h
    )
  );
end;
$$;
revoke execute on function private.delta_figures(timestamptz, bigint, boolean) from public;

-- The build of 20261202000000 (renamed by 20261202000300), with the adjustments appended first
-- and, for READ COMMITTED writers, the figures from private.delta_figures.
create or replace function private.build_and_send_dashboard_deltas(
  p_from_admin bigint, p_from_support bigint, p_first bigint, p_count bigint, p_support_count bigint,
  p_support_delta boolean
) returns void
language plpgsql
security definer
set search_path = ''
-- Generic plans: custom ones were planned again at every call (half of the build's time).
set plan_cache_mode = force_generic_plan
as $$
declare
  -- A REPEATABLE READ or SERIALIZABLE writer reads with its own older snapshot, which may miss
  -- what committed just before it: its delta says from_cursor -1 (no client holds it), so every
  -- client syncs instead of applying figures that could be behind.
  v_fresh boolean := current_setting('transaction_isolation') = 'read committed';
  -- Likewise when the revenue changes would not fit one message (a bulk import across more than
  -- 1,000 hours): the admin delta carries none and says from_cursor -1.
  v_apply_admin boolean;
  v_now timestamptz := clock_timestamp();
  v_hour timestamptz := date_trunc('hour', v_now, 'UTC');
  v_epoch text := private.activity_epoch();
  v_last bigint := p_first + p_count - 1;
  v_cursor bigint;
  v_rows int := 0;
  v_feed jsonb := '[]';
  v_kpis jsonb;
  v_status jsonb;
  v_aging jsonb;
  v_revenue jsonb;
begin
  -- This transaction's revenue per hour: the delta's increments, and the adjustments of the
  -- cached ranges for the hours that are over.
  with gone as (
    delete from private.delta_revenue_pending d where d.txid = pg_current_xact_id()
    returning d.bucket, d.revenue_cents, d.orders_count, d.items_sold
  ), r as (
    select g.bucket, sum(g.revenue_cents) as revenue_cents, sum(g.orders_count) as orders_count,
           sum(g.items_sold) as items_sold
      from gone g group by g.bucket
    having sum(g.revenue_cents) <> 0 or sum(g.orders_count) <> 0 or sum(g.items_sold) <> 0
  ), adjusted as (
    insert into private.delta_hour_adjust (seq, tbl, bucket, a, b, c, d)
    select nextval('private.delta_hour_seq'), 1, r.bucket, r.revenue_cents, r.orders_count, r.items_sold, 0
      from r where r.bucket < v_hour
  )
  select coalesce(jsonb_agg(jsonb_build_object('hour', r.bucket, 'revenue_cents', r.revenue_cents,
                                               'orders_count', r.orders_count, 'items_sold', r.items_sold)
                            order by r.bucket), '[]')
    into v_revenue
    from r;

  -- Ticket hours before the transaction's start hour; a marker if the hour turned since it began.
  with gone as (
    delete from private.delta_hour_pending p where p.txid = pg_current_xact_id()
    returning p.bucket, p.a, p.b, p.c, p.d
  )
  insert into private.delta_hour_adjust (seq, tbl, bucket, a, b, c, d)
  select nextval('private.delta_hour_seq'), 2, x.bucket, x.a, x.b, x.c, x.d
    from (select g.bucket, sum(g.a) as a, sum(g.b) as b, sum(g.c) as c, sum(g.d) as d
            from gone g group by g.bucket
          having sum(g.a) <> 0 or sum(g.b) <> 0 or sum(g.c) <> 0 or sum(g.d) <> 0) x;
  if p_support_delta and date_trunc('hour', now(), 'UTC') < v_hour then
    insert into private.delta_hour_adjust (seq, tbl, bucket)
    values (nextval('private.delta_hour_seq'), 2, date_trunc('hour', now(), 'UTC'));
  end if;

  v_apply_admin := v_fresh and jsonb_array_length(v_revenue) <= 1000;
  if jsonb_array_length(v_revenue) > 1000 then
    v_revenue := '[]';
  end if;

  -- Admin: every writing transaction.
  v_cursor := case when p_count > 0 then greatest(p_from_admin, v_last) else p_from_admin end;
  if not v_fresh then
    v_cursor := greatest(v_cursor, private.activity_ids_issued());
  end if;
  if p_count > 0 then
    select f.n_rows, f.feed into v_rows, v_feed from private.delta_feed(true, p_first, v_last) f;
  end if;
  if v_fresh then
    select f.kpis, f.status, f.aging into v_kpis, v_status, v_aging
      from private.delta_figures(v_now, v_cursor, p_support_delta) f;
  else
    v_status := private.ticket_status_counts();
    if p_support_delta then
      v_aging := private.ticket_aging_json(v_now);
    end if;
    v_kpis := private.kpis('admin', v_now - interval '30 days', v_now, v_cursor, v_now);
  end if;
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'from_cursor', case when v_apply_admin then p_from_admin else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', v_revenue,
    'sent_at', clock_timestamp()), 'delta', 'dashboard:admin', true);

  -- Support: only for support-visible rows, tickets or a new epoch; never an order row or revenue.
  if p_support_count = 0 and not p_support_delta then
    return;
  end if;
  v_rows := 0;
  v_feed := '[]';
  v_cursor := p_from_support;
  if p_support_count > 0 then
    select f.n_rows, f.feed into v_rows, v_feed from private.delta_feed(false, p_first, v_last) f;
    v_cursor := greatest(p_from_support, (select max(a.id) from public.activity_log a
                                           where a.id >= p_first and a.id <= v_last and a.entity_type <> 'order'));
  end if;
  if not v_fresh then
    v_cursor := greatest(v_cursor, private.activity_ids_issued());
  end if;
  -- private.kpis for support is the admin object with the revenue figures null (one read of the
  -- counters serves both; pgTAP 014 compares it with dashboard_sync's).
  v_kpis := v_kpis || jsonb_build_object(
    'total_revenue_cents', null, 'products_sold', null, 'orders_count', null, 'cursor', v_cursor, 'role', 'support',
    'previous', (v_kpis -> 'previous')
                || jsonb_build_object('total_revenue_cents', null, 'products_sold', null, 'orders_count', null));
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'from_cursor', case when v_fresh then p_from_support else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_support_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', null,
    'sent_at', clock_timestamp()), 'delta', 'dashboard:support', true);
end;
$$;

-- The flush of 20261202000000 with the slot fold before the numbering lock (it was the first step
-- of private.send_dashboard_deltas, under the lock); under the lock: numbering, then the build
-- and the sends.
create or replace function private.flush_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_txid xid8 := pg_current_xact_id();
  v_support_delta boolean;
  v_count bigint;
  v_support_count bigint;
  v_first bigint;
  v_from_admin bigint;
  v_from_support bigint;
begin
  -- Not for REPEATABLE READ or SERIALIZABLE writers: locking a row changed after their snapshot
  -- would fail their commit.
  if current_setting('transaction_isolation') = 'read committed' then
    perform private.compact_counter_slots(date_trunc('hour', clock_timestamp(), 'UTC'), 32);
  end if;

  -- Same key as local-supabase/realtime/capture.sql: one lock, one commit order, no lock-order deadlock.
  perform pg_advisory_xact_lock(7363526110450217);

  update private.activity_pending p
     set summary = p.summary || jsonb_build_object('total_cents', o.total_cents, 'item_count', o.item_count,
                                                   'status', o.status)
    from public.orders o
   where p.txid = v_txid and p.kind = 'order_placed' and o.id = p.entity_id;

  delete from private.activity_flush_requests r where r.txid = v_txid returning r.support_delta into v_support_delta;

  -- The cursors before this transaction's rows: a new statement under the lock sees every
  -- transaction that numbered before it (each released the lock only once its commit was visible).
  v_from_admin := private.visible_cursor(true);
  v_from_support := private.visible_cursor(false);

  select count(*), count(*) filter (where p.entity_type <> 'order') into v_count, v_support_count
    from private.activity_pending p where p.txid = v_txid;
  if v_count > 0 then
    -- Reserve a block of ids; only this function takes from the sequence, and only under the lock.
    v_first := nextval('private.activity_log_id_seq');
    if v_count > 1 then
      perform setval('private.activity_log_id_seq', v_first + v_count - 1);
    end if;

    with moved as (
      delete from private.activity_pending p where p.txid = v_txid
      returning p.seq, p.kind, p.entity_type, p.entity_id, p.occurred_at, p.summary
    )
    insert into public.activity_log (id, kind, entity_type, entity_id, occurred_at, summary)
    select v_first - 1 + row_number() over (order by m.occurred_at, m.seq), m.kind, m.entity_type, m.entity_id,
           m.occurred_at, m.summary
      from moved m;
  end if;

  perform private.build_and_send_dashboard_deltas(v_from_admin, v_from_support, v_first, v_count, v_support_count,
                                                  coalesce(v_support_delta, false));
  return null;
end;
$$;

-- The other functions a delta calls at every commit: generic plans too (their custom plans were
-- planned again at each call, several times the cost of running them).
alter function private.delta_feed(boolean, bigint, bigint) set plan_cache_mode = force_generic_plan;
alter function private.compact_counter_slots(timestamptz, int) set plan_cache_mode = force_generic_plan;

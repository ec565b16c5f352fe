-- sales_hourly and ticket_hourly keep a row per hour and writer slot (pid mod 16), so that
-- concurrent writers do not queue on one row. Once an hour is over, the slots only cost readers:
-- with every slot used, the 30 days of a KPI read sum about 11,500 rows per window (2.7 ms for
-- private.kpis), and every dashboard delta reads them at commit, under the numbering lock. So
-- each delta also folds up to 32 slot rows of hours that are over into one row per hour, slot -1,
-- which no writer uses (pid mod 16 is never negative): the fold never waits for a writer, nor a
-- writer for it, except on a row it has just folded (the writer then inserts a new slot row).
-- Rows another transaction holds are skipped (SKIP LOCKED) and folded by a later delta. Readers
-- sum all slots, so every figure stays the same.

create index sales_hourly_spread_idx on public.sales_hourly (bucket) where slot >= 0;
create index ticket_hourly_spread_idx on private.ticket_hourly (bucket) where slot >= 0;

-- The hours already over are folded now, in one go, so that deltas only ever fold the hour that
-- just ended (at most 16 rows per table).
with gone as (
  delete from public.sales_hourly s where s.slot >= 0 and s.bucket < date_trunc('hour', now(), 'UTC')
  returning s.bucket, s.revenue_cents, s.orders_count, s.items_sold
)
insert into public.sales_hourly (bucket, slot, revenue_cents, orders_count, items_sold)
select g.bucket, -1, sum(g.revenue_cents), sum(g.orders_count), sum(g.items_sold) from gone g group by g.bucket;

with gone as (
  delete from private.ticket_hourly h where h.slot >= 0 and h.bucket < date_trunc('hour', now(), 'UTC')
  returning h.bucket, h.opened, h.activated, h.closed, h.cancelled
)
insert into private.ticket_hourly (bucket, slot, opened, activated, closed, cancelled)
select g.bucket, -1, sum(g.opened), sum(g.activated), sum(g.closed), sum(g.cancelled) from gone g group by g.bucket;

create function private.compact_counter_slots(p_before timestamptz, p_limit int) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Mostly nothing to do (once an hour is folded): the oldest slot row, one step down the
  -- partial index (min() plans that way whatever the statistics say), then out.
  if (select min(s.bucket) from public.sales_hourly s where s.slot >= 0) < p_before then
  with picked as (
    select s.ctid as row_id from public.sales_hourly s
     where s.slot >= 0 and s.bucket < p_before
     order by s.bucket
     limit p_limit
       for update skip locked
  ), gone as (
    delete from public.sales_hourly s using picked p where s.ctid = p.row_id
    returning s.bucket, s.revenue_cents, s.orders_count, s.items_sold
  )
  insert into public.sales_hourly as t (bucket, slot, revenue_cents, orders_count, items_sold)
  select g.bucket, -1, sum(g.revenue_cents), sum(g.orders_count), sum(g.items_sold) from gone g group by g.bucket
  on conflict (bucket, slot) do update
    set revenue_cents = t.revenue_cents + excluded.revenue_cents,
        orders_count = t.orders_count + excluded.orders_count,
        items_sold = t.items_sold + excluded.items_sold;
  end if;

  if (select min(h.bucket) from private.ticket_hourly h where h.slot >= 0) < p_before then
  with picked as (
    select h.ctid as row_id from private.ticket_hourly h
     where h.slot >= 0 and h.bucket < p_before
     order by h.bucket
     limit p_limit
       for update skip locked
  ), gone as (
    delete from private.ticket_hourly h using picked p where h.ctid = p.row_id
    returning h.bucket, h.opened, h.activated, h.closed, h.cancelled
  )
  insert into private.ticket_hourly as t (bucket, slot, opened, activated, closed, cancelled)
  select g.bucket, -1, sum(g.opened), sum(g.activated), sum(g.closed), sum(g.cancelled) from gone g group by g.bucket
  on conflict (bucket, slot) do update
    set opened = t.opened + excluded.opened, activated = t.activated + excluded.activated,
        closed = t.closed + excluded.closed, cancelled = t.cancelled + excluded.cancelled;
  end if;
end;
$$;
revoke execute on function private.compact_counter_slots(timestamptz, int) from public;

-- The fold runs at the start of every delta, under the numbering lock, before the KPIs are read:
-- private.flush_activity calls private.send_dashboard_deltas, which now folds, then builds and
-- sends as before (the function of 20261202000000, renamed). Not for REPEATABLE READ or
-- SERIALIZABLE writers: locking a row changed after their snapshot would fail their commit.
alter function private.send_dashboard_deltas(bigint, bigint, bigint, bigint, bigint, boolean)
  rename to build_and_send_dashboard_deltas;

create function private.send_dashboard_deltas(
  p_from_admin bigint, p_from_support bigint, p_first bigint, p_count bigint, p_support_count bigint,
  p_support_delta boolean
) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('transaction_isolation') = 'read committed' then
    perform private.compact_counter_slots(date_trunc('hour', clock_timestamp(), 'UTC'), 32);
  end if;
  perform private.build_and_send_dashboard_deltas(p_from_admin, p_from_support, p_first, p_count, p_support_count,
                                                  p_support_delta);
end;
$$;
revoke execute on function private.send_dashboard_deltas(bigint, bigint, bigint, bigint, bigint, boolean) from public;

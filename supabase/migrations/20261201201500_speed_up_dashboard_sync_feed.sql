-- dashboard_sync's cost grows with the rows its feed returns (bench/db-bench.sh: about 0.1 ms a
-- row on a busy machine): the rows went through a set-returning function into to_jsonb(record).
-- private.feed_json builds the array in the query that reads the rows; the time zone check
-- opens its subtransaction only for a zone other than UTC. Same results (pgTAP 006 compares the
-- feed with activity_feed's rows, field by field).

create function private.feed_json(p_admin boolean, p_after bigint, p_limit int, out n_rows int, out feed jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- Separate statements so each plan walks an index down from the newest row and stops.
  if p_admin and p_after is null then
    select count(*), coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'entity_type', a.entity_type,
             'entity_id', a.entity_id, 'occurred_at', a.occurred_at, 'summary', a.summary) order by a.id desc), '[]')
      into n_rows, feed
      from (select * from public.activity_log a order by a.id desc limit p_limit) a;
  elsif p_admin then
    select count(*), coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'entity_type', a.entity_type,
             'entity_id', a.entity_id, 'occurred_at', a.occurred_at, 'summary', a.summary) order by a.id desc), '[]')
      into n_rows, feed
      from (select * from public.activity_log a where a.id > p_after order by a.id desc limit p_limit) a;
  elsif p_after is null then
    select count(*), coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'entity_type', a.entity_type,
             'entity_id', a.entity_id, 'occurred_at', a.occurred_at, 'summary', a.summary) order by a.id desc), '[]')
      into n_rows, feed
      from (select * from public.activity_log a where a.entity_type <> 'order' order by a.id desc limit p_limit) a;
  else
    select count(*), coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'entity_type', a.entity_type,
             'entity_id', a.entity_id, 'occurred_at', a.occurred_at, 'summary', a.summary) order by a.id desc), '[]')
      into n_rows, feed
      from (select * from public.activity_log a where a.entity_type <> 'order' and a.id > p_after
             order by a.id desc limit p_limit) a;
  end if;
end;
$$;
revoke execute on function private.feed_json(boolean, bigint, int) from public;

create or replace function private.check_revenue_args(p_from timestamptz, p_to timestamptz, p_bucket text, p_tz text)
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
  if p_tz is distinct from 'UTC' then
    begin
      perform now() at time zone p_tz;
    exception when others then
      raise exception 'unknown time zone %', coalesce(quote_literal(p_tz), 'null') using errcode = '22023';
    end;
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'p_from and p_to are required and p_from must not be after p_to'
      using errcode = '22023';
  end if;
  if extract(epoch from p_to - p_from) / (case p_bucket when 'hour' then 3600 else 86400 end) > 2199 then
    raise exception 'too many buckets: at most 2200 % buckets per call', p_bucket using errcode = '22023';
  end if;
end;
$$;

create or replace function public.dashboard_sync(
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
  select f.n_rows, f.feed into v_rows, v_feed from private.feed_json(v_is_admin, v_after, p_limit + 1) f;
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

drop function private.feed_rows(boolean, bigint, int);  -- replaced by private.feed_json

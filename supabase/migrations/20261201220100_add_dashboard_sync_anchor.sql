-- dashboard_sync gets an anchor: p_after_at, the occurred_at of the row whose id = p_after as
-- the client holds it. When it is given and the caller's visible row with that id is missing or
-- has another occurred_at, the ids were reissued (restore, failover) without a new epoch: the
-- answer is reset = true with a fresh snapshot, as for an epoch change. Every other argument,
-- field and default is unchanged. The old signature is dropped so that no overload is left.

drop function public.dashboard_sync(bigint, text, int, timestamptz, text, text);

create function public.dashboard_sync(
  p_after bigint default null,
  p_epoch text default null,
  p_limit int default 100,
  p_revenue_from timestamptz default null,
  p_bucket text default 'day',
  p_tz text default 'UTC',
  p_after_at timestamptz default null
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
  -- The anchor: the row the client's cursor points at must still be there, with the same
  -- occurred_at (to the millisecond: the client holds it as a JavaScript date). A restore or a
  -- failover that reissued ids under the same epoch fails this check.
  if not v_reset and p_after is not null and p_after_at is not null then
    v_reset := not exists (
      select 1 from public.activity_log a
       where a.id = p_after
         and (v_is_admin or a.entity_type <> 'order')
         and a.occurred_at > p_after_at - interval '1 millisecond'
         and a.occurred_at < p_after_at + interval '1 millisecond');
  end if;
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

revoke execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text, timestamptz)
  from public, anon;
grant execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text, timestamptz)
  to authenticated, service_role;

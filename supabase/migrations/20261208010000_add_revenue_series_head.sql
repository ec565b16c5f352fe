-- revenue_series with the delta head it includes. A tab that keeps a series beside the engine's
-- (the hourly 24 h while the engine keeps days) adds each applied delta's revenue to it; to know
-- which deltas its read already holds, the read names the newest admin delta its snapshot includes,
-- read as dashboard_sync reads its head (20261208000000): the function is STABLE, so the points and
-- the head come from one snapshot, and exactly the deltas numbered up to `delta_seq` are in the
-- points. revenue_series itself is unchanged for its callers.
create function public.revenue_series_at_head(
  p_from timestamptz,
  p_to timestamptz,
  p_bucket text default 'day',
  p_tz text default 'UTC'
) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_points jsonb;
  v_head record;
begin
  if private.require_staff() <> 'admin' then
    raise exception 'revenue is available to admins only' using errcode = '42501';
  end if;
  select coalesce(jsonb_agg(jsonb_build_object('bucket_start', b.bucket_start, 'revenue_cents', b.revenue_cents,
                                               'orders_count', b.orders_count) order by b.bucket_start), '[]'::jsonb)
    into v_points
    from private.revenue_buckets(p_from, p_to, p_bucket, p_tz) b;
  select h.seq, h.sent_at into v_head from private.dashboard_delta_head('dashboard:admin') h;
  return jsonb_build_object('points', v_points, 'delta_seq', coalesce(v_head.seq, 0), 'delta_sent_at', v_head.sent_at);
end;
$$;
revoke execute on function public.revenue_series_at_head(timestamptz, timestamptz, text, text) from public, anon;
grant execute on function public.revenue_series_at_head(timestamptz, timestamptz, text, text)
  to authenticated, service_role;

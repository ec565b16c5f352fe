-- A null p_tz was accepted: `now() at time zone null` is null, not an error, so
-- dashboard_sync(p_tz => null) and revenue_series(..., p_tz => null) answered empty revenue.
-- A null p_bucket or p_tz is a bad argument (22023), like an unknown one.
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
  if p_tz is null then
    raise exception 'p_tz is required (an IANA time zone such as ''UTC'')' using errcode = '22023';
  end if;
  if p_tz <> 'UTC' then
    begin
      perform now() at time zone p_tz;
    exception when others then
      raise exception 'unknown time zone %', quote_literal(p_tz) using errcode = '22023';
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

-- The ticket counters cost every ticket write about 0.2 ms of server CPU (the changed rows
-- gathered into an array, the set-based statements, an extra function call), even for one row
-- (bench/db-writers.ts: 8 ticket writers lost 31 %, +49 % CPU per commit). A statement that
-- changed one row, the usual case, now takes a short path inside the trigger: the row read into
-- variables, single-row upserts of its (status, priority) pairs
-- when they changed; no moment at all for a status change between active states or a new
-- priority; one moment for a new active ticket or a closing; the general one-row statement for
-- the rest (reopenings, moved dates, deletes, done tickets inserted with their history). Bulk
-- statements keep private.count_ticket_changes. Same results: pgTAP 007 runs every path
-- against a recount.

create or replace function private.apply_ticket_counters() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_slot smallint := pg_backend_pid() % 16;
  v_rows bigint;
  v_changes private.ticket_change[];
  o_id uuid;
  o_status text;
  o_priority text;
  o_created timestamptz;
  o_closed timestamptz;
  n_id uuid;
  n_status text;
  n_priority text;
  n_created timestamptz;
  n_closed timestamptz;
  v_old_done boolean;
  v_new_done boolean;
  v_reopen boolean;
  v_at timestamptz;
  v_opened int;
  v_activated int;
  v_closed int;
  v_cancelled int;
begin
  -- Transition tables are planned only when their branch runs, so one function serves all.
  if tg_op = 'TRUNCATE' then
    delete from private.ticket_counts;
    delete from private.ticket_moments;
    delete from private.ticket_hourly;
    return null;
  elsif tg_op = 'INSERT' then
    select count(*) into v_rows from new_tickets;
    if v_rows = 1 then
      select n.status, n.priority, n.created_at, n.closed_at into n_status, n_priority, n_created, n_closed
        from new_tickets n;
    elsif v_rows > 1 then
      select array_agg(row(null, null, null, null, n.status, n.priority, n.created_at, n.closed_at)::private.ticket_change)
        into v_changes from new_tickets n;
    end if;
  elsif tg_op = 'DELETE' then
    select count(*) into v_rows from old_tickets;
    if v_rows = 1 then
      select o.status, o.priority, o.created_at, o.closed_at into o_status, o_priority, o_created, o_closed
        from old_tickets o;
    elsif v_rows > 1 then
      select array_agg(row(o.status, o.priority, o.created_at, o.closed_at, null, null, null, null)::private.ticket_change)
        into v_changes from old_tickets o;
    end if;
  else
    select count(*) into v_rows from new_tickets;
    if v_rows = 1 then
      select n.id, n.status, n.priority, n.created_at, n.closed_at into n_id, n_status, n_priority, n_created, n_closed
        from new_tickets n;
      select o.id, o.status, o.priority, o.created_at, o.closed_at into o_id, o_status, o_priority, o_created, o_closed
        from old_tickets o;
    end if;
    if v_rows > 1 or o_id <> n_id then
      -- Unmatched ids (a changed primary key) count as a delete plus an insert.
      select array_agg(row(o.status, o.priority, o.created_at, o.closed_at,
                           n.status, n.priority, n.created_at, n.closed_at)::private.ticket_change)
        into v_changes
        from old_tickets o
        full join new_tickets n on n.id = o.id
       where o.id is null or n.id is null or o.status <> n.status or o.priority <> n.priority
          or o.created_at <> n.created_at or o.closed_at is distinct from n.closed_at;
      v_rows := 2;
    end if;
  end if;
  if v_rows <> 1 then
    perform private.count_ticket_changes(v_changes);
    return null;
  end if;

  v_old_done := o_status in ('closed', 'cancelled');
  v_new_done := n_status in ('closed', 'cancelled');

  -- (status, priority) pairs, in key order so that writers sharing a slot cannot deadlock.
  if o_status is distinct from n_status or o_priority is distinct from n_priority then
    if n_status is not null and (o_status is null or (n_status, n_priority) < (o_status, o_priority)) then
      insert into private.ticket_counts as t (status, priority, slot, tickets)
      values (n_status, n_priority, v_slot, 1)
      on conflict (status, priority, slot) do update set tickets = t.tickets + 1;
    end if;
    if o_status is not null then
      insert into private.ticket_counts as t (status, priority, slot, tickets)
      values (o_status, o_priority, v_slot, -1)
      on conflict (status, priority, slot) do update set tickets = t.tickets - 1;
    end if;
    if n_status is not null and o_status is not null and (n_status, n_priority) > (o_status, o_priority) then
      insert into private.ticket_counts as t (status, priority, slot, tickets)
      values (n_status, n_priority, v_slot, 1)
      on conflict (status, priority, slot) do update set tickets = t.tickets + 1;
    end if;
  end if;

  if o_status is not null and n_status is not null
     and o_created = n_created and o_closed is not distinct from n_closed
     and v_old_done = v_new_done and (not v_old_done or o_status = n_status) then
    return null;  -- no moment changes (a status change between active states, a new priority)
  end if;

  -- The two common moments: a new active ticket, and a closing.
  if o_status is null and not v_new_done then
    v_at := n_created;
    v_opened := 1;
    v_activated := 1;
    v_closed := 0;
    v_cancelled := 0;
  elsif o_status is not null and n_status is not null and not v_old_done and v_new_done and o_created = n_created then
    v_at := n_closed;
    v_opened := 0;
    v_activated := -1;
    v_closed := (n_status = 'closed')::int;
    v_cancelled := (n_status = 'cancelled')::int;
  end if;
  if v_at is not null then
    insert into private.ticket_moments as m (at, slot, opened, activated, closed, cancelled)
    values (v_at, v_slot, v_opened, v_activated, v_closed, v_cancelled)
    on conflict (at, slot) do update
      set opened = m.opened + excluded.opened, activated = m.activated + excluded.activated,
          closed = m.closed + excluded.closed, cancelled = m.cancelled + excluded.cancelled;
    insert into private.ticket_hourly as h (bucket, slot, opened, activated, closed, cancelled)
    values (date_trunc('hour', v_at, 'UTC'), v_slot, v_opened, v_activated, v_closed, v_cancelled)
    on conflict (bucket, slot) do update
      set opened = h.opened + excluded.opened, activated = h.activated + excluded.activated,
          closed = h.closed + excluded.closed, cancelled = h.cancelled + excluded.cancelled;
    return null;
  end if;

  -- The rest (reopenings, moved dates, deletes, done tickets inserted with their history): the
  -- same events as the set-based path, for one row (a null moment = no such event).
  v_reopen := coalesce(v_old_done and n_status is not null and not v_new_done, false);
  with d as (
    select e.at, sum(e.opened) as opened, sum(e.activated) as activated, sum(e.closed) as closed,
           sum(e.cancelled) as cancelled
      from (values
        (case when n_status is not null then n_created end, 1, 1, 0, 0),
        (case when v_new_done then n_closed end, 0, -1, (n_status = 'closed')::int, (n_status = 'cancelled')::int),
        (case when o_status is not null then o_created end, -1, case when n_status is not null then -1 else 0 end, 0, 0),
        (case when v_old_done then o_closed end, 0, case when n_status is not null then 1 else 0 end,
         -(o_status = 'closed')::int, -(o_status = 'cancelled')::int),
        (case when v_reopen then o_closed end, 0, -1, 0, 0),
        (case when v_reopen then now() end, 0, 1, 0, 0),
        (case when o_status is not null and not v_old_done and n_status is null then now() end, 0, -1, 0, 0)
      ) e(at, opened, activated, closed, cancelled)
     where e.at is not null
     group by e.at
    having sum(e.opened) <> 0 or sum(e.activated) <> 0 or sum(e.closed) <> 0 or sum(e.cancelled) <> 0
  ), moments as (
    insert into private.ticket_moments as m (at, slot, opened, activated, closed, cancelled)
    select d.at, v_slot, d.opened, d.activated, d.closed, d.cancelled from d order by d.at
    on conflict (at, slot) do update
      set opened = m.opened + excluded.opened, activated = m.activated + excluded.activated,
          closed = m.closed + excluded.closed, cancelled = m.cancelled + excluded.cancelled
  )
  insert into private.ticket_hourly as h (bucket, slot, opened, activated, closed, cancelled)
  select date_trunc('hour', d.at, 'UTC'), v_slot, sum(d.opened), sum(d.activated), sum(d.closed), sum(d.cancelled)
    from d
   group by 1
   order by 1
  on conflict (bucket, slot) do update
    set opened = h.opened + excluded.opened, activated = h.activated + excluded.activated,
        closed = h.closed + excluded.closed, cancelled = h.cancelled + excluded.cancelled;
  return null;
end;
$$;

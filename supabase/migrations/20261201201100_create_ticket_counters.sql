-- Ticket counters kept by statement triggers in the writing transaction (like sales_hourly), so
-- the dashboard's ticket figures cost the same at any number or shape of tickets:
--
--   private.ticket_counts   tickets now, by (status, priority)
--   private.ticket_moments  per exact moment: opened (tickets by created_at), closed and
--                           cancelled (tickets now in that status, by closed_at), and
--                           activated: the net change of active repairs at that moment
--   private.ticket_hourly   the same per UTC hour; windows read whole hours here and the
--                           partial hours at their ends from ticket_moments
--
-- "Active" = not closed or cancelled. activated is history, not state: a ticket adds +1 at
-- created_at and -1 when it closes (at closed_at); a reopening adds +1 at that moment and keeps
-- the earlier closing, and deleting an active ticket adds -1 at that moment. So the repairs
-- active at T are the active ones now minus the activated sum after T, and a ticket closed
-- then and reopened now was not active then. Invariant: the activated sum over all time equals
-- the number of active tickets; every other column equals a recount of public.tickets.
--
-- Hot rows: every row has a slot (the writer's backend pid mod 16), so concurrent writers
-- touching the same status or hour update different rows; readers sum the slots.

create table private.ticket_counts (
  status text not null,
  priority text not null,
  slot smallint not null,
  tickets bigint not null default 0,
  primary key (status, priority, slot)
);

create table private.ticket_moments (
  at timestamptz not null,
  slot smallint not null,
  opened bigint not null default 0,
  activated bigint not null default 0,
  closed bigint not null default 0,
  cancelled bigint not null default 0,
  primary key (at, slot)
);

create table private.ticket_hourly (
  bucket timestamptz not null check (bucket = date_trunc('hour', bucket, 'UTC')),
  slot smallint not null,
  opened bigint not null default 0,
  activated bigint not null default 0,
  closed bigint not null default 0,
  cancelled bigint not null default 0,
  primary key (bucket, slot)
);

alter table private.ticket_counts enable row level security;
alter table private.ticket_moments enable row level security;
alter table private.ticket_hourly enable row level security;
revoke all on table private.ticket_counts, private.ticket_moments, private.ticket_hourly
  from public, anon, authenticated;

-- The oldest ticket per status (ticket_aging) in one index step; also serves status counts,
-- so it replaces tickets_status_idx.
create index tickets_status_created_at_idx on public.tickets (status, created_at);
drop index public.tickets_status_idx;

-- One changed ticket: its old and new values (null status = no such row).
create type private.ticket_change as (
  old_status text, old_priority text, old_created_at timestamptz, old_closed_at timestamptz,
  new_status text, new_priority text, new_created_at timestamptz, new_closed_at timestamptz
);

create function private.count_ticket_changes(p_changes private.ticket_change[]) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_slot smallint := pg_backend_pid() % 16;
begin
  if coalesce(cardinality(p_changes), 0) = 0 then
    return;
  end if;

  -- Keys in sorted order, so two writers sharing a slot cannot deadlock on one statement.
  insert into private.ticket_counts as t (status, priority, slot, tickets)
  select d.status, d.priority, v_slot, sum(d.n)
    from (select c.new_status as status, c.new_priority as priority, 1 as n
            from unnest(p_changes) c where c.new_status is not null
          union all
          select c.old_status, c.old_priority, -1
            from unnest(p_changes) c where c.old_status is not null) d
   group by d.status, d.priority
  having sum(d.n) <> 0
   order by d.status, d.priority
  on conflict (status, priority, slot) do update set tickets = t.tickets + excluded.tickets;

  with c as (
    select c.*,
           c.old_status in ('closed', 'cancelled') as old_done,
           c.new_status in ('closed', 'cancelled') as new_done
      from unnest(p_changes) c
  ), d as (
    select e.at, sum(e.opened) as opened, sum(e.activated) as activated, sum(e.closed) as closed,
           sum(e.cancelled) as cancelled
      from c
      cross join lateral (
        -- The new row: opened at created_at, active from created_at until closed_at.
        select c.new_created_at as at, 1 as opened, 1 as activated, 0 as closed, 0 as cancelled
         where c.new_status is not null
        union all
        select c.new_closed_at, 0, -1, (c.new_status = 'closed')::int, (c.new_status = 'cancelled')::int
         where c.new_done
        -- The old row's state leaves; its history stays unless the row is updated (then the
        -- new row's history replaces it: a moved created_at or closed_at moves its event).
        union all
        select c.old_created_at, -1, case when c.new_status is not null then -1 else 0 end, 0, 0
         where c.old_status is not null
        union all
        select c.old_closed_at, 0, case when c.new_status is not null then 1 else 0 end,
               -(c.old_status = 'closed')::int, -(c.old_status = 'cancelled')::int
         where c.old_done
        -- Reopened: the old closing stays history, and it is active again from now.
        union all
        select c.old_closed_at, 0, -1, 0, 0 where c.old_done and c.new_status is not null and not c.new_done
        union all
        select now(), 0, 1, 0, 0 where c.old_done and c.new_status is not null and not c.new_done
        -- Deleted while active: no longer active from now.
        union all
        select now(), 0, -1, 0, 0 where c.old_status is not null and not c.old_done and c.new_status is null
      ) e
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
end;
$$;
revoke execute on function private.count_ticket_changes(private.ticket_change[]) from public;

create function private.apply_ticket_counters() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_changes private.ticket_change[];
begin
  -- Transition tables are planned only when their branch runs, so one function serves all.
  if tg_op = 'TRUNCATE' then
    delete from private.ticket_counts;
    delete from private.ticket_moments;
    delete from private.ticket_hourly;
    return null;
  elsif tg_op = 'INSERT' then
    select array_agg(row(null, null, null, null, n.status, n.priority, n.created_at, n.closed_at)::private.ticket_change)
      into v_changes from new_tickets n;
  elsif tg_op = 'DELETE' then
    select array_agg(row(o.status, o.priority, o.created_at, o.closed_at, null, null, null, null)::private.ticket_change)
      into v_changes from old_tickets o;
  else
    -- Unmatched ids (a changed primary key) count as a delete plus an insert.
    select array_agg(row(o.status, o.priority, o.created_at, o.closed_at,
                         n.status, n.priority, n.created_at, n.closed_at)::private.ticket_change)
      into v_changes
      from old_tickets o
      full join new_tickets n on n.id = o.id
     where o.id is null or n.id is null or o.status <> n.status or o.priority <> n.priority
        or o.created_at <> n.created_at or o.closed_at is distinct from n.closed_at;
  end if;
  perform private.count_ticket_changes(v_changes);
  return null;
end;
$$;
revoke execute on function private.apply_ticket_counters() from public;

-- Transition tables cannot be combined with UPDATE OF columns: the update trigger filters itself.
create trigger tickets_counters_insert after insert on public.tickets
  referencing new table as new_tickets
  for each statement execute function private.apply_ticket_counters();
create trigger tickets_counters_update after update on public.tickets
  referencing old table as old_tickets new table as new_tickets
  for each statement execute function private.apply_ticket_counters();
create trigger tickets_counters_delete after delete on public.tickets
  referencing old table as old_tickets
  for each statement execute function private.apply_ticket_counters();
create trigger tickets_counters_truncate after truncate on public.tickets
  for each statement execute function private.apply_ticket_counters();

-- Tickets already there: as if inserted now (active from created_at, closed at closed_at).
select private.count_ticket_changes(
  (select array_agg(row(null, null, null, null, t.status, t.priority, t.created_at, t.closed_at)::private.ticket_change)
     from public.tickets t));

-- Per ticket: its current (status, priority) and an upper bound of its newest activity id, so that
-- activity_feed (20261202011100) can read a ticket filter's newest rows from the few tickets whose
-- activity is newest instead of walking the log (status closed + priority urgent: tens of
-- thousands of tickets, none with rows among the newest ~14,000).
--
-- Invariant (what the reader relies on, pgTAP 017 checks it after random writes):
--   - every ticket in public.tickets has exactly one row here, with the ticket's status and
--     priority;
--   - last_activity_id >= the id of every activity_log row of that ticket (entity_type 'ticket').
-- Rows may be more than that (a deleted or rewritten activity row leaves the bound high); the
-- reader only needs an upper bound and checks every row it returns with the full predicate.
--
-- Maintained in the transaction that writes: statement triggers on tickets (insert, update,
-- delete, truncate; a priority change has no activity row) and a statement trigger on activity_log, which
-- private.flush_activity fills at commit under the numbering lock (wired like the posting
-- triggers of 20261202010000). Both are ENABLE ALWAYS (they also fire under
-- session_replication_role = replica). Neither writes to public.tickets. The flush's update
-- touches only head rows this transaction has already locked through its own ticket write, so it
-- never waits under the numbering lock.

create table private.ticket_activity_heads (
  ticket_id uuid primary key,
  status text not null,
  priority text not null,
  last_activity_id bigint not null default 0  -- 0: no activity row (ids start at 1)
);
create index ticket_activity_heads_filter_idx
  on private.ticket_activity_heads (status, priority, last_activity_id, ticket_id);
alter table private.ticket_activity_heads enable row level security;
revoke all on table private.ticket_activity_heads from public, anon, authenticated;

-- Tickets inserted: their head, with the newest activity id a previous life of the same id left.
create function private.ticket_heads_insert() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into private.ticket_activity_heads (ticket_id, status, priority, last_activity_id)
  select n.id, n.status, n.priority,
         coalesce((select max(a.id) from public.activity_log a where a.entity_type = 'ticket' and a.entity_id = n.id), 0)
    from new_rows n
  on conflict (ticket_id) do update set status = excluded.status, priority = excluded.priority,
    last_activity_id = greatest(private.ticket_activity_heads.last_activity_id, excluded.last_activity_id);
  return null;
end;
$$;
revoke execute on function private.ticket_heads_insert() from public;

-- Tickets updated: status and priority (one primary-key probe per row, a write only on a change);
-- a changed id (never done by the app) moves the head.
create function private.ticket_heads_update() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from old_rows o where not exists (select 1 from new_rows n where n.id = o.id)) then
    delete from private.ticket_activity_heads h
     using old_rows o where h.ticket_id = o.id and not exists (select 1 from new_rows n where n.id = o.id);
    insert into private.ticket_activity_heads (ticket_id, status, priority, last_activity_id)
    select n.id, n.status, n.priority,
           coalesce((select max(a.id) from public.activity_log a where a.entity_type = 'ticket' and a.entity_id = n.id), 0)
      from new_rows n
    on conflict (ticket_id) do update set status = excluded.status, priority = excluded.priority,
      last_activity_id = greatest(private.ticket_activity_heads.last_activity_id, excluded.last_activity_id);
  end if;
  update private.ticket_activity_heads h set status = n.status, priority = n.priority
    from new_rows n
   where h.ticket_id = n.id and (h.status, h.priority) is distinct from (n.status, n.priority);
  return null;
end;
$$;
revoke execute on function private.ticket_heads_update() from public;

create function private.ticket_heads_delete() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.ticket_activity_heads h using old_rows o where h.ticket_id = o.id;
  return null;
end;
$$;
revoke execute on function private.ticket_heads_delete() from public;

create function private.ticket_heads_truncate() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  truncate private.ticket_activity_heads;
  return null;
end;
$$;
revoke execute on function private.ticket_heads_truncate() from public;

-- Activity rows inserted or updated (at commit, from the flush): raise their tickets' bound. A
-- ticket without a head has no row in public.tickets (deleted): nothing to keep.
create function private.ticket_heads_activity() returns trigger
language plpgsql
security definer
set search_path = ''
set jit = off
as $$
begin
  update private.ticket_activity_heads h set last_activity_id = n.last_id
    from (select r.entity_id, max(r.id) as last_id from new_rows r where r.entity_type = 'ticket' group by r.entity_id) n
   where h.ticket_id = n.entity_id and h.last_activity_id < n.last_id;
  return null;
end;
$$;
revoke execute on function private.ticket_heads_activity() from public;

-- Triggers first (they lock tickets, then activity_log, and wait for writers in flight), then the
-- backfill, whose snapshot is taken after the locks: no ticket is missed.
create trigger tickets_heads_insert after insert on public.tickets
  referencing new table as new_rows for each statement execute function private.ticket_heads_insert();
create trigger tickets_heads_update after update on public.tickets
  referencing old table as old_rows new table as new_rows for each statement execute function private.ticket_heads_update();
create trigger tickets_heads_delete after delete on public.tickets
  referencing old table as old_rows for each statement execute function private.ticket_heads_delete();
create trigger tickets_heads_truncate after truncate on public.tickets
  for each statement execute function private.ticket_heads_truncate();
alter table public.tickets enable always trigger tickets_heads_insert;
alter table public.tickets enable always trigger tickets_heads_update;
alter table public.tickets enable always trigger tickets_heads_delete;
alter table public.tickets enable always trigger tickets_heads_truncate;

create trigger activity_log_heads_insert after insert on public.activity_log
  referencing new table as new_rows for each statement execute function private.ticket_heads_activity();
create trigger activity_log_heads_update after update on public.activity_log
  referencing new table as new_rows for each statement execute function private.ticket_heads_activity();
alter table public.activity_log enable always trigger activity_log_heads_insert;
alter table public.activity_log enable always trigger activity_log_heads_update;

-- Backfill, set-based: one pass over the tickets, one over the ticket rows of the log.
insert into private.ticket_activity_heads (ticket_id, status, priority, last_activity_id)
select t.id, t.status, t.priority, coalesce(a.last_id, 0)
  from public.tickets t
  left join (select a.entity_id, max(a.id) as last_id from public.activity_log a
              where a.entity_type = 'ticket' group by a.entity_id) a on a.entity_id = t.id;
analyze private.ticket_activity_heads;

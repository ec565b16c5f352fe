-- The activity log's incarnation ("epoch"). A client keeps (epoch, cursor); ids compare only
-- within one epoch. The epoch changes whenever the log's ids could start again:
--   - TRUNCATE of activity_log (a trigger below renews it);
--   - a new database: this migration inserts a random value, so every fresh database (a new
--     project, `supabase db reset`, the local stack's --reset and --memory) starts with its own.
-- A restore or failover that brings back an older log keeps the epoch but also the older id
-- sequence; public.dashboard_sync treats a cursor above every id ever issued as a reset too.

create table private.activity_epoch (
  singleton boolean primary key default true check (singleton),
  epoch text not null,
  started_at timestamptz not null default now()
);
comment on table private.activity_epoch is
  'One row: the activity log''s incarnation; renewed on TRUNCATE of activity_log and random in every new database.';

alter table private.activity_epoch enable row level security;
revoke all on table private.activity_epoch from public, anon, authenticated;

insert into private.activity_epoch (epoch) values (gen_random_uuid()::text);

create function private.renew_activity_epoch() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update private.activity_epoch set epoch = gen_random_uuid()::text, started_at = now();
  return null;
end;
$$;
revoke execute on function private.renew_activity_epoch() from public;

create trigger activity_log_renew_epoch after truncate on public.activity_log
  for each statement execute function private.renew_activity_epoch();

create function private.activity_epoch() returns text
language sql
stable
security definer
set search_path = ''
as $$
  select e.epoch from private.activity_epoch e
$$;
revoke execute on function private.activity_epoch() from public;

-- The highest activity id ever issued (0 before the first). Sequences are not transactional, so
-- this may run ahead of the visible rows, never behind: a cursor above it means the ids went back.
create function private.activity_ids_issued() returns bigint
language sql
stable
security definer
set search_path = ''
as $$
  select case when s.is_called then s.last_value else s.last_value - 1 end from private.activity_log_id_seq s
$$;
revoke execute on function private.activity_ids_issued() from public;

-- Support's feed and cursor skip order rows; without this index its newest-first scan would
-- walk through every order row above the newest row it may see.
create index activity_log_non_order_id_idx on public.activity_log (id) where entity_type <> 'order';

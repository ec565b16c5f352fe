-- Staff profiles and the helpers every policy and RPC relies on.
--
-- Schema `private` is not in the API's exposed schemas: it holds helpers and internal tables.
-- authenticated gets USAGE only so that policies can call private.staff_role().

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (length(btrim(display_name)) between 1 and 100),
  role text not null check (role in ('admin', 'support')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is 'Staff members of the shop; role admin or support.';

-- Shared updated_at trigger for every table with that column.
create function private.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
revoke execute on function private.set_updated_at() from public;

create trigger profiles_set_updated_at
  before update on public.profiles
  for each row execute function private.set_updated_at();

-- The caller's staff role ('admin' | 'support'), or null for anyone else. Security definer
-- so that policies can read profiles without recursing into profiles' own policies.
create function private.staff_role() returns text
language sql
stable
security definer
set search_path = ''
as $$
  select p.role from public.profiles p where p.id = (select auth.uid())
$$;
revoke execute on function private.staff_role() from public;
grant execute on function private.staff_role() to authenticated, service_role;

alter table public.profiles enable row level security;

create policy "staff read staff profiles"
  on public.profiles for select
  to authenticated
  using ((select private.staff_role()) is not null);

-- The dashboard is read-only: only service_role (bypassrls) writes.
revoke all on table public.profiles from anon, authenticated;
grant select on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

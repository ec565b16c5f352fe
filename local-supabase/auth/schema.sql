-- Session tables the local Auth service needs, shaped like GoTrue's (supabase/auth migrations).
-- Owned by the local stack and applied on every start (idempotent); never part of supabase/migrations.
create schema if not exists auth;

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null,
  created_at timestamptz,
  updated_at timestamptz,
  not_after timestamptz,
  refreshed_at timestamp without time zone,
  user_agent text,
  ip inet
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
-- GoTrue's foreign key: deleting a user ends its sessions (and their refresh tokens). Added here
-- rather than inline so that data folders made before it get it too.
do $$
begin
  if to_regclass('auth.users') is not null
     and not exists (select 1 from pg_constraint where conname = 'sessions_user_id_fkey' and conrelid = 'auth.sessions'::regclass) then
    delete from auth.sessions s where not exists (select 1 from auth.users u where u.id = s.user_id);
    alter table auth.sessions add constraint sessions_user_id_fkey foreign key (user_id) references auth.users (id) on delete cascade;
  end if;
end
$$;

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);

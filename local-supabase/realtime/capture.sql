-- Change capture for the local Realtime. PGlite has no logical decoding, so row triggers on the
-- tables of publication supabase_realtime append to _realtime.changes. Ids and commit_timestamp are
-- assigned at COMMIT by a deferred constraint trigger under an advisory lock, so ids follow commit
-- order, rolled-back work never shows, and the timestamp is the commit time, not the transaction start.
-- Installed by the stack at start (idempotent); never part of supabase/migrations.
create schema if not exists _realtime;
revoke all on schema _realtime from public;

create table if not exists _realtime.changes (
  seq bigserial primary key,
  id bigint,
  txid bigint not null default txid_current(),
  type text not null,
  schema_name text not null,
  table_name text not null,
  record jsonb,
  old_record jsonb,
  commit_timestamp timestamptz
);
create index if not exists changes_id_idx on _realtime.changes (id);
create index if not exists changes_pending_idx on _realtime.changes (txid) where id is null;

create table if not exists _realtime.tx_marker (id bigserial primary key);
create sequence if not exists _realtime.commit_seq;
revoke all on all tables in schema _realtime from public;

-- TG_ARGV[0] is the replica identity ('f' full, else key only); TG_ARGV[1..] are the key columns.
create or replace function _realtime.capture() returns trigger
language plpgsql security definer set search_path = pg_catalog as $$
declare
  v_old jsonb;
  v_keys text[];
begin
  if tg_op <> 'INSERT' then
    if tg_argv[0] = 'f' then
      v_old := to_jsonb(old);
    else
      v_keys := tg_argv[1:tg_nargs - 1];
      select coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb) into v_old
        from jsonb_each(to_jsonb(old)) e where e.key = any(v_keys);
    end if;
  end if;
  insert into _realtime.changes (type, schema_name, table_name, record, old_record)
  values (tg_op, tg_table_schema, tg_table_name,
          case when tg_op = 'DELETE' then null else to_jsonb(new) end, v_old);
  if coalesce(current_setting('_realtime.tx', true), '') <> '1' then
    perform set_config('_realtime.tx', '1', true);
    insert into _realtime.tx_marker default values;
  end if;
  return null;
end $$;

create or replace function _realtime.assign_ids() returns trigger
language plpgsql security definer set search_path = pg_catalog as $$
declare
  v_n bigint;
  v_base bigint;
  v_ts timestamptz;
begin
  perform pg_advisory_xact_lock(7363526110450217);
  select count(*) into v_n from _realtime.changes where txid = txid_current() and id is null;
  if v_n > 0 then
    v_base := nextval('_realtime.commit_seq');
    if v_n > 1 then
      perform setval('_realtime.commit_seq', v_base + v_n - 1);
    end if;
    v_ts := clock_timestamp();
    update _realtime.changes c set id = v_base + r.rn - 1, commit_timestamp = v_ts
      from (select seq, row_number() over (order by seq) as rn
              from _realtime.changes where txid = txid_current() and id is null) r
     where c.seq = r.seq;
    perform pg_notify('_realtime', '');
  end if;
  delete from _realtime.tx_marker where id = new.id;
  -- Later deferred triggers may still write to published tables: let them queue a new marker.
  perform set_config('_realtime.tx', '', true);
  return null;
end $$;

drop trigger if exists assign_ids on _realtime.tx_marker;
create constraint trigger assign_ids after insert on _realtime.tx_marker
  deferrable initially deferred for each row execute function _realtime.assign_ids();

-- Filter comparison with both sides cast to the column type, as realtime.check_equality_op does.
create or replace function _realtime.check_op(op text, typ text, v1 text, v2 text) returns boolean
language plpgsql stable set search_path = pg_catalog as $$
declare
  v_res boolean;
  v_sym text;
begin
  if v1 is null then
    return null;
  end if;
  if op = 'in' then
    execute format('select %L::%s = any(%L::%s[])', v1, typ, v2, typ) into v_res;
    return v_res;
  end if;
  v_sym := case op when 'eq' then '=' when 'neq' then '<>' when 'lt' then '<' when 'lte' then '<='
                   when 'gt' then '>' when 'gte' then '>=' end;
  if v_sym is null then
    raise exception 'unknown operator %', op;
  end if;
  execute format('select %L::%s %s %L::%s', v1, typ, v_sym, v2, typ) into v_res;
  return v_res;
end $$;

-- RLS visibility for many subscribers in one round trip. For each group (role + claims) it switches
-- role and request.jwt.claims (transaction-local, as Realtime's apply_rls does) and runs that group's
-- lookups `select n from ... where exists (select 1 from <table> where <pk> = ...)` as prepared
-- statements (like Realtime's walrus_rls_stmt): Postgres re-plans them when the role changes, so the
-- group's policies always apply. Returns 'group:check:n' for every visible row.
-- Invoker rights on purpose: SET ROLE is not allowed inside security definer functions.
create or replace function _realtime.rls_visible(p_groups jsonb) returns setof text
language plpgsql set search_path = pg_catalog as $$
declare
  v_group jsonb;
  v_check jsonb;
  v_n int;
  v_gi int := 0;
  v_ci int;
  v_name text;
begin
  for v_group in select value from jsonb_array_elements(p_groups) loop
    perform set_config('role', v_group->>'role', true);
    perform set_config('request.jwt.claims', v_group->>'claims', true);
    v_ci := 0;
    for v_check in select value from jsonb_array_elements(v_group->'checks') loop
      v_name := '_rt_' || md5(v_check->>'sql');
      if not exists (select 1 from pg_prepared_statements where name = v_name) then
        execute format('prepare %I(jsonb) as %s', v_name, v_check->>'sql');
      end if;
      for v_n in execute format('execute %I(%L)', v_name, v_check->'keys') loop
        return next v_gi || ':' || v_ci || ':' || v_n;
      end loop;
      v_ci := v_ci + 1;
    end loop;
    perform set_config('role', 'none', true);
    v_gi := v_gi + 1;
  end loop;
  perform set_config('request.jwt.claims', '', true);
end $$;
revoke all on function _realtime.rls_visible(jsonb) from public;
revoke all on function _realtime.check_op(text, text, text, text) from public;

-- A channel's filter checks in one round trip (realtime.subscription_check_filters, batched): first
-- whether the JWT role exists and may be assumed (n = -1 with the reason if not), then for each
-- check (ordinal n, from 0) the column's SELECT privilege and the value's cast to the column type.
-- Returns one row per failing check; no rows means every filter is valid.
create or replace function _realtime.check_bindings(p_role text, p_checks jsonb) returns table(n int, err text)
language plpgsql stable set search_path = pg_catalog as $$
declare
  v_check jsonb;
  v_i int := 0;
begin
  if to_regrole(p_role) is null then
    n := -1; err := format('role "%s" does not exist', p_role); return next; return;
  end if;
  if to_regrole('authenticator') is not null and not pg_has_role('authenticator', to_regrole(p_role), 'member') then
    n := -1; err := format('permission denied to set role "%s"', p_role); return next; return;
  end if;
  for v_check in select value from jsonb_array_elements(p_checks) loop
    begin
      if not has_column_privilege(p_role, (v_check->>'oid')::oid, v_check->>'column', 'SELECT') then
        n := v_i; err := 'invalid column for filter ' || (v_check->>'column'); return next;
      else
        begin
          execute format('select %L::text::%s', v_check->>'value', v_check->>'type');
        exception when others then
          n := v_i; err := sqlerrm; return next;
        end;
      end if;
    exception when others then
      -- The column went away since the publication was read: as Realtime, an invalid column.
      n := v_i; err := 'invalid column for filter ' || (v_check->>'column'); return next;
    end;
    v_i := v_i + 1;
  end loop;
end $$;
revoke all on function _realtime.check_bindings(text, jsonb) from public;

-- Broadcast from the database: rows that realtime.send() writes to realtime.messages are captured like
-- any change (numbered at commit, in commit order, nothing for a rollback) and delivered by the drainer
-- as broadcasts. Skipped where platform.sql's realtime schema is absent (an older PostgreSQL setup).
do $$
begin
  if to_regclass('realtime.messages') is not null then
    create or replace trigger _realtime_capture_messages after insert on realtime.messages
      for each row when (new.extension = 'broadcast')
      execute function _realtime.capture('d', 'id');
  end if;
end
$$;

-- Realtime Authorization (Realtime.Tenants.Authorization): whether a JWT may read or write a channel
-- topic under the RLS policies on realtime.messages. Read: probe rows (one per extension) are inserted
-- as the stack, then, as the JWT's role with request.jwt.claims and realtime.topic set, a SELECT says
-- which probes the policies let through. Write: the JWT's role inserts a row per extension; a refusal
-- (42501) means no write. Everything runs in a subtransaction that is always rolled back, so nothing
-- stays and the role and settings are restored. A policy that fails is reported as {"error": ...}.
create or replace function _realtime.channel_access(p_role text, p_claims text, p_topic text, p_write boolean,
                                                    p_extensions text[])
returns jsonb
language plpgsql set search_path = pg_catalog as $$
declare
  v_out jsonb := '{}'::jsonb;
  v_ext text;
  v_id uuid;
  v_ids uuid[] := '{}';
  v_ok boolean;
begin
  if to_regrole(p_role) is null then
    return jsonb_build_object('error', format('role "%s" does not exist', p_role));
  end if;
  if to_regrole('authenticator') is not null and not pg_has_role('authenticator', to_regrole(p_role), 'member') then
    return jsonb_build_object('error', format('permission denied to set role "%s"', p_role));
  end if;
  begin
    if not p_write then
      foreach v_ext in array p_extensions loop
        v_id := gen_random_uuid();
        v_ids := v_ids || v_id;
        insert into realtime.messages (id, topic, extension) values (v_id, p_topic, v_ext);
      end loop;
    end if;
    perform set_config('role', p_role, true);
    perform set_config('realtime.topic', p_topic, true);
    perform set_config('request.jwt.claims', p_claims, true);
    perform set_config('request.jwt.claim.sub', coalesce(p_claims::jsonb->>'sub', ''), true);
    perform set_config('request.jwt.claim.role', p_role, true);
    perform set_config('request.headers', '{}', true);
    for i in 1 .. coalesce(array_length(p_extensions, 1), 0) loop
      v_ext := p_extensions[i];
      if p_write then
        begin
          insert into realtime.messages (topic, extension) values (p_topic, v_ext);
          v_ok := true;
        exception when insufficient_privilege then
          v_ok := false;
        end;
      else
        select exists (select 1 from realtime.messages m where m.id = v_ids[i]) into v_ok;
      end if;
      v_out := v_out || jsonb_build_object(v_ext, v_ok);
    end loop;
    raise exception using errcode = 'RTA01', message = 'rollback';
  exception
    when sqlstate 'RTA01' then null;
    when others then v_out := jsonb_build_object('error', sqlerrm);
  end;
  return v_out;
end $$;
revoke all on function _realtime.channel_access(text, text, text, boolean, text[]) from public;

-- A private channel's replay (Realtime.Messages.replay): the newest `p_limit` broadcast messages of the
-- topic since `p_since_ms` (and within the 72 hours Supabase keeps), oldest first.
-- Ties on inserted_at (PGlite's clock has millisecond steps; one transaction's messages share now())
-- are broken by the writing transaction (a younger xmin is newer), then by position in the table.
create or replace function _realtime.replay(p_topic text, p_since_ms bigint, p_limit int)
returns table(id text, event text, payload text)
language plpgsql stable set search_path = pg_catalog as $$
begin
  return query
  select r.id::text, r.event, r.payload::text from (
    select m.id, m.event, m.payload, m.inserted_at, age(m.xmin) as tx_age, m.ctid as pos from realtime.messages m
     where m.topic = p_topic and m.private is true and m.extension = 'broadcast'
       and m.inserted_at >= greatest(to_timestamp(p_since_ms / 1000.0)::timestamp, (now() - interval '72 hours')::timestamp)
       and m.inserted_at < (now() + interval '1 minute')::timestamp
     order by m.inserted_at desc, age(m.xmin) asc, m.ctid desc limit p_limit) r
  order by r.inserted_at, r.tx_age desc, r.pos;
end $$;
revoke all on function _realtime.replay(text, bigint, int) from public;

create or replace function _realtime.delete_old_messages() returns void
language plpgsql set search_path = pg_catalog as $$
begin
  if to_regclass('realtime.messages') is not null then
    delete from realtime.messages where inserted_at < (now() - interval '72 hours')::timestamp;
  end if;
end $$;
revoke all on function _realtime.delete_old_messages() from public;

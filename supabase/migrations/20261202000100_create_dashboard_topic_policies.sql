-- Realtime Authorization for the dashboard's private topics. Realtime checks a private join by
-- reading realtime.messages as the JWT's role with realtime.topic() set to the channel's topic:
-- staff may read (SELECT, extension broadcast) only 'dashboard:' || their role. Nobody may write
-- those topics from a client: there is no INSERT policy for them, and a restrictive one keeps any
-- later permissive INSERT policy from letting a client forge a delta. Only the database sends
-- (private.send_dashboard_deltas, as the migration owner, which bypasses RLS).

-- 'dashboard:admin' / 'dashboard:support' for the caller's staff profile, else null. Never
-- raises (a policy that raises refuses the join with an error logged for every attempt): a
-- missing, empty or non-uuid sub is simply nobody.
create function private.dashboard_topic() returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_sub text;
  v_role text;
begin
  begin
    v_sub := coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub');
  exception when others then
    return null;
  end;
  if v_sub is null or v_sub !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return null;
  end if;
  select p.role into v_role from public.profiles p where p.id = v_sub::uuid;
  return 'dashboard:' || v_role;
end;
$$;
revoke execute on function private.dashboard_topic() from public;
grant execute on function private.dashboard_topic() to authenticated;

create policy "staff read their role's dashboard topic" on realtime.messages
  for select to authenticated
  using (
    realtime.messages.extension = 'broadcast'
    and realtime.messages.topic = (select realtime.topic())
    and (select realtime.topic()) = (select private.dashboard_topic())
  );

create policy "no client writes to dashboard topics" on realtime.messages
  as restrictive
  for insert to anon, authenticated
  with check (realtime.messages.topic not in ('dashboard:admin', 'dashboard:support'));

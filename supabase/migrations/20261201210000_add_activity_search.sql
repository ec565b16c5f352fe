-- Activity search and drill-down (issue 11): activity_feed gains p_query, p_types,
-- p_ticket_status and p_ticket_priority; entity_detail returns an entity's current record and
-- its history from the log.
--
-- What a search matches: the log row's own summary, i.e. what was true when it happened (the
-- feed renders the summary, so every result visibly contains what was searched). A customer
-- renamed later is found under the old name in the rows written before the rename and under the
-- new name after it; the drill-down shows the current record. The search text is a stored
-- generated column, so every writer (the deferred flush trigger, a bulk load, a restore) keeps it
-- without a trigger of its own; activity_log is append-only, so it is computed once per row.

create extension if not exists pg_trgm with schema extensions;

-- Lowercased text of the summary fields a person searches for. Words never contain whitespace,
-- so the separator keeps a word from matching across two fields.
alter table public.activity_log add column search_text text generated always as (lower(
  coalesce(summary ->> 'ticket_number', '') || ' ' || coalesce(summary ->> 'order_number', '') || ' ' ||
  coalesce(summary ->> 'customer_name', '') || ' ' || coalesce(summary ->> 'email', '') || ' ' ||
  coalesce(summary ->> 'device', '') || ' ' || coalesce(summary ->> 'issue', '') || ' ' ||
  coalesce(summary ->> 'product_name', '') || ' ' || coalesce(summary ->> 'sku', '')
)) stored;
comment on column public.activity_log.search_text is
  'Lowercased summary text for activity_feed(p_query); generated, for the RPC only.';

-- Substring search for words (LIKE '%word%'); the trigram index also serves words of 3+ characters.
create index activity_log_search_text_idx on public.activity_log
  using gin (search_text extensions.gin_trgm_ops);

-- Number search (#1042): exact ticket or order number, as text so that no cast can fail a writer.
create index activity_log_number_idx on public.activity_log
  ((coalesce(summary ->> 'ticket_number', summary ->> 'order_number')), id)
  where entity_type in ('ticket', 'order');

-- One entity's history newest first (entity_detail) and the ticket filters' lookups. It serves
-- every query the (entity_type, entity_id) index served, so that one goes.
create index activity_log_entity_history_idx on public.activity_log (entity_type, entity_id, id);
drop index public.activity_log_entity_idx;

-- p_query → either a number (whole query `1042` or `#1042`) or LIKE patterns, one per word -----
create function private.activity_search_terms(p_query text, out number text, out patterns text[])
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_query text := btrim(coalesce(p_query, ''), E' \t\r\n');
  v_words text[];
  v_word text;
begin
  if v_query = '' then
    return;
  end if;
  if length(v_query) > 200 then
    raise exception 'p_query is too long: at most 200 characters' using errcode = '22023';
  end if;
  if v_query ~ '^#?[0-9]+$' then
    number := ltrim(v_query, '#')::numeric::text;  -- leading zeros do not count
    return;
  end if;
  v_words := regexp_split_to_array(v_query, '\s+');
  if cardinality(v_words) > 8 then
    raise exception 'p_query has too many words: at most 8' using errcode = '22023';
  end if;
  patterns := '{}';
  foreach v_word in array v_words loop
    if v_word ~ '^#[0-9]' then
      v_word := substr(v_word, 2);
    end if;
    patterns := patterns || ('%' || replace(replace(replace(lower(v_word), '\', '\\'), '%', '\%'), '_', '\_') || '%');
  end loop;
end;
$$;
revoke execute on function private.activity_search_terms(text) from public;
grant execute on function private.activity_search_terms(text) to authenticated, service_role;

-- Raises 22023 unless every element of p_values is one of p_allowed.
create function private.require_known_values(p_name text, p_values text[], p_allowed text[]) returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_values is not null and (array_position(p_values, null) is not null or not p_values <@ p_allowed) then
    raise exception '% must contain only %', p_name, array_to_string(p_allowed, ', ')
      using errcode = '22023';
  end if;
end;
$$;
revoke execute on function private.require_known_values(text, text[], text[]) from public;
grant execute on function private.require_known_values(text, text[], text[]) to authenticated, service_role;

-- activity_feed -------------------------------------------------------------------------------
-- Security invoker as before: RLS on activity_log decides the rows, so support never sees (and
-- so never matches) an order row. The statement is built from the filters in use and run with
-- EXECUTE, so each call is planned for its own values (a common word walks the id index until
-- the page is full, a rare one starts from the trigram index); the values are passed as
-- parameters, never spliced in.
drop function public.activity_feed(int, bigint, bigint);

create function public.activity_feed(
  p_limit int default 50,
  p_after bigint default null,
  p_before bigint default null,
  p_query text default null,
  p_types text[] default null,
  p_ticket_status text[] default null,
  p_ticket_priority text[] default null
) returns table (id bigint, kind text, entity_type text, entity_id uuid, occurred_at timestamptz, summary jsonb)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_limit int;
  v_terms record;
  v_types text[] := nullif(p_types, '{}');
  v_status text[] := nullif(p_ticket_status, '{}');
  v_priority text[] := nullif(p_ticket_priority, '{}');
  v_sql text := 'select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary'
                ' from public.activity_log a where true';
  i int;
begin
  perform private.require_staff();
  if p_limit is null or p_limit < 1 then
    raise exception 'p_limit must be at least 1' using errcode = '22023';
  end if;
  if p_after is not null and p_before is not null then
    raise exception 'pass p_after or p_before, not both' using errcode = '22023';
  end if;
  perform private.require_known_values('p_types', v_types, array['ticket', 'order', 'customer', 'product']);
  perform private.require_known_values('p_ticket_status', v_status,
    array['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled']);
  perform private.require_known_values('p_ticket_priority', v_priority, array['low', 'normal', 'high', 'urgent']);
  select * into v_terms from private.activity_search_terms(p_query);
  v_limit := least(p_limit, 500);

  if p_after is not null then
    v_sql := v_sql || ' and a.id > $1';
  elsif p_before is not null then
    v_sql := v_sql || ' and a.id < $2';
  end if;
  if v_types is not null then
    v_sql := v_sql || ' and a.entity_type = any ($3)';
  end if;
  if v_status is not null or v_priority is not null then
    v_sql := v_sql || ' and a.entity_type = ''ticket'' and exists (select 1 from public.tickets t'
                      ' where t.id = a.entity_id'
                   || case when v_status is not null then ' and t.status = any ($4)' else '' end
                   || case when v_priority is not null then ' and t.priority = any ($5)' else '' end
                   || ')';
  end if;
  if v_terms.number is not null then
    v_sql := v_sql || ' and a.entity_type in (''ticket'', ''order'')'
                      ' and coalesce(a.summary ->> ''ticket_number'', a.summary ->> ''order_number'') = $6';
  end if;
  for i in 1 .. coalesce(cardinality(v_terms.patterns), 0) loop
    v_sql := v_sql || format(' and a.search_text like $7[%s]', i);
  end loop;
  v_sql := v_sql || case when p_after is not null then ' order by a.id' else ' order by a.id desc' end
                 || ' limit $8';

  return query execute v_sql
    using p_after, p_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit;
end;
$$;

-- entity_detail -------------------------------------------------------------------------------
-- { entity, history, history_complete, deleted }: the current record (or, for a deleted entity,
-- its last known state from the log) and its newest 200 activity rows. Security invoker: RLS
-- still applies; the role rules are checked first so that support asking for an order gets
-- 42501, not an empty answer.
create function private.entity_from_log(p_type text, p_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_first public.activity_log;
  v_last public.activity_log;
  v_gone public.activity_log;
  v_state jsonb;
  v_status text;
begin
  select a.* into v_first from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id order by a.id limit 1;
  if not found then
    return null;
  end if;
  select a.* into v_last from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id and a.kind not like '%\_deleted' order by a.id desc limit 1;
  select a.* into v_gone from public.activity_log a
   where a.entity_type = p_type and a.entity_id = p_id and a.kind like '%\_deleted' order by a.id desc limit 1;

  -- Oldest row (the creation: issue, priority, item count), then the newest change (a status
  -- change's new_status is the status), then the deletion's own copy of the row.
  v_state := v_first.summary
          || coalesce(v_last.summary || case when v_last.summary ? 'new_status'
                                             then jsonb_build_object('status', v_last.summary -> 'new_status')
                                             else '{}' end, '{}')
          || coalesce(v_gone.summary, '{}');
  v_status := v_state ->> 'status';

  return case p_type
    when 'ticket' then jsonb_build_object(
      'id', p_id, 'number', v_state -> 'ticket_number', 'customer_id', null,
      'customer_name', v_state -> 'customer_name', 'device', v_state -> 'device', 'issue', v_state -> 'issue',
      'status', v_state -> 'status', 'priority', v_state -> 'priority',
      'created_at', case when v_first.kind = 'ticket_created' then v_first.occurred_at end,
      'closed_at', case when v_status in ('closed', 'cancelled') then v_last.occurred_at end)
    when 'order' then jsonb_build_object(
      'id', p_id, 'number', v_state -> 'order_number', 'customer_id', null,
      'customer_name', v_state -> 'customer_name', 'status', v_state -> 'status',
      'total_cents', v_state -> 'total_cents', 'item_count', v_state -> 'item_count', 'items', null)
    when 'customer' then jsonb_build_object(
      'id', p_id, 'full_name', v_state -> 'customer_name', 'email', v_state -> 'email', 'phone', null,
      'open_tickets', 0)
    else jsonb_build_object(
      'id', p_id, 'name', v_state -> 'product_name', 'sku', v_state -> 'sku',
      'price_cents', v_state -> 'price_cents', 'stock', v_state -> 'stock')
  end;
end;
$$;
revoke execute on function private.entity_from_log(text, uuid) from public;
grant execute on function private.entity_from_log(text, uuid) to authenticated, service_role;

create function public.entity_detail(p_type text, p_id uuid) returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  c_history_cap constant int := 200;
  v_role text := private.require_staff();
  v_entity jsonb;
  v_history jsonb;
  v_rows int;
  v_deleted boolean := false;
begin
  if p_type is null or p_type not in ('ticket', 'order', 'customer', 'product') then
    raise exception 'p_type must be ticket, order, customer or product, got %',
      coalesce(quote_literal(p_type), 'null') using errcode = '22023';
  end if;
  if p_id is null then
    raise exception 'p_id is required' using errcode = '22023';
  end if;
  if p_type = 'order' and v_role <> 'admin' then
    raise exception 'orders are available to admins only' using errcode = '42501';
  end if;

  case p_type
  when 'ticket' then
    select jsonb_build_object('id', t.id, 'number', t.number, 'customer_id', t.customer_id,
                              'customer_name', c.full_name, 'device', t.device, 'issue', t.issue,
                              'status', t.status, 'priority', t.priority,
                              'created_at', t.created_at, 'closed_at', t.closed_at)
      into v_entity
      from public.tickets t left join public.customers c on c.id = t.customer_id
     where t.id = p_id;
  when 'order' then
    select jsonb_build_object('id', o.id, 'number', o.number, 'customer_id', o.customer_id,
                              'customer_name', c.full_name, 'status', o.status, 'total_cents', o.total_cents,
                              'item_count', o.item_count,
                              'items', coalesce((
                                select jsonb_agg(jsonb_build_object('product_id', i.product_id, 'name', p.name,
                                                                    'sku', p.sku, 'quantity', i.quantity,
                                                                    'unit_price_cents', i.unit_price_cents)
                                                 order by i.created_at, i.id)
                                  from public.order_items i left join public.products p on p.id = i.product_id
                                 where i.order_id = o.id), '[]'::jsonb))
      into v_entity
      from public.orders o left join public.customers c on c.id = o.customer_id
     where o.id = p_id;
  when 'customer' then
    select jsonb_build_object('id', c.id, 'full_name', c.full_name, 'email', c.email, 'phone', c.phone,
                              'open_tickets', (select count(*) from public.tickets t
                                                where t.customer_id = c.id and t.status not in ('closed', 'cancelled')))
      into v_entity
      from public.customers c
     where c.id = p_id;
  else
    select jsonb_build_object('id', p.id, 'name', p.name, 'sku', p.sku, 'price_cents', p.price_cents,
                              'stock', p.stock)
      into v_entity
      from public.products p
     where p.id = p_id;
  end case;

  select count(*)::int into v_rows
    from (select 1 from public.activity_log a
           where a.entity_type = p_type and a.entity_id = p_id limit c_history_cap + 1) x;
  select coalesce(jsonb_agg(jsonb_build_object('id', h.id, 'kind', h.kind, 'entity_type', h.entity_type,
                                               'entity_id', h.entity_id, 'occurred_at', h.occurred_at,
                                               'summary', h.summary) order by h.id desc), '[]'::jsonb)
    into v_history
    from (select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary
            from public.activity_log a
           where a.entity_type = p_type and a.entity_id = p_id
           order by a.id desc limit c_history_cap) h;

  if v_entity is null and v_rows > 0 then
    v_entity := private.entity_from_log(p_type, p_id);
    v_deleted := true;
  end if;

  return jsonb_build_object('entity', v_entity, 'history', v_history,
                            'history_complete', v_rows <= c_history_cap, 'deleted', v_deleted);
end;
$$;

-- Grants as for every dashboard RPC: never public or anon ---------------------------------------
revoke execute on function
  public.activity_feed(int, bigint, bigint, text, text[], text[], text[]),
  public.entity_detail(text, uuid)
  from public, anon;
grant execute on function
  public.activity_feed(int, bigint, bigint, text, text[], text[], text[]),
  public.entity_detail(text, uuid)
  to authenticated, service_role;

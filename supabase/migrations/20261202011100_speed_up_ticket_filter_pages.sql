-- activity_feed: a ticket filter that keeps many tickets, with no word or only words too
-- common to drive (status closed + priority urgent, alone or with 'screen'), reads the tickets
-- whose activity is newest from private.ticket_activity_heads (20261202011000) instead of walking
-- the log below the window. The proof is beside the code. Every other shape keeps the plans of
-- 20261202010100; same signature, same results (pgTAP 017 compares with a brute force).

create or replace function public.activity_feed(
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
security definer
set search_path = ''
set jit = off  -- a page of 50 rows never repays a compile; the old plan's estimates could ask for one
as $$
declare
  c_window constant int := 3000;
  c_walk_rows constant int := 30000;
  c_max_keys constant int := 64;
  c_max_batch constant int := 16384;
  c_probe_keys constant int := 8;
  c_check_rows constant int := 256;
  c_dense constant float8 := 0.02;  -- a word in more than 1 row of 50
  -- Tuning only, never results (pgTAP 017 lowers them to reach every path on a small log).
  c_row_budget constant int := coalesce(nullif(current_setting('activity_search.row_budget', true), '')::int, 8000);
  c_max_tickets constant int := coalesce(nullif(current_setting('activity_search.max_tickets', true), '')::int, 2000);
  c_heads_budget constant int := coalesce(nullif(current_setting('activity_search.heads_budget', true), '')::int, 2000);
  c_top constant bigint := 9223372036854775807;
  c_columns constant text := 'select a.id, a.kind, a.entity_type, a.entity_id, a.occurred_at, a.summary';
  v_role text := private.require_staff();
  v_limit int;
  v_terms record;
  v_types text[] := nullif(p_types, '{}');
  v_status text[] := nullif(p_ticket_status, '{}');
  v_priority text[] := nullif(p_ticket_priority, '{}');
  v_bound text := '';  -- p_after / p_before
  v_scope text := '';  -- role and types: decided by the row alone, cheap
  v_match text := '';  -- ticket status and priority, number, words
  v_order text := ' order by a.id desc';
  v_found int;
  v_window int;
  v_floor bigint;
  v_need int;
  v_bitmapscan text := current_setting('enable_bitmapscan');
  v_seqscan text := current_setting('enable_seqscan');
  v_indexscan text := current_setting('enable_indexscan');
  i int;
  v_word text;
  v_keys int[];
  v_driver int[];
  v_block bigint[];
  v_candidates bigint[];
  v_k int;
  v_n int;
  v_w_keys text[] := '{}';  -- per walkable word: its keys (an int[] as text),
  v_w_total int[] := '{}';  -- its postings in the probe block,
  v_w_density float8[] := '{}';  -- and their density below the cursor (0: the block has them all)
  v_driver_i int;
  v_slice int;
  v_rows bigint[];
  v_checked int;
  v_cursor bigint;
  v_before bigint := p_before;
  v_tickets bigint;
  v_list bigint[];
  v_pos int;
  v_last boolean;
  v_key_types text[];
  v_heads_now boolean := false;
  v_prios text[];
  v_batch uuid[];
  v_ids bigint[];
  v_page bigint[];
  v_heads int;
  v_hk int;
  v_bl bigint;
  v_bt uuid;
begin
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

  if v_role <> 'admin' then
    v_scope := ' and a.entity_type <> ''order''';
  end if;
  if cardinality(v_types) = 1 then
    -- One type: a range, not an equality, so that "order by entity_type desc, id desc" (v_order)
    -- is an order only activity_log_type_id_idx gives; else the planner walks the id index
    -- through every other type (it cannot know that customer rows may all be weeks old).
    v_scope := v_scope || ' and a.entity_type between $3[1] and $3[1]';
    v_order := ' order by a.entity_type desc, a.id desc';
  elsif v_types is not null then
    v_scope := v_scope || ' and a.entity_type = any ($3)';
  end if;
  if p_after is not null then
    v_bound := ' and a.id > $1';
  elsif p_before is not null then
    v_bound := ' and a.id < $2';
  end if;
  if v_status is not null or v_priority is not null then
    v_match := ' and a.entity_type = ''ticket'' and exists (select 1 from public.tickets t where t.id = a.entity_id'
            || case when v_status is not null then ' and t.status = any ($4)' else '' end
            || case when v_priority is not null then ' and t.priority = any ($5)' else '' end
            || ')';
  end if;
  if v_terms.number is not null then
    v_match := v_match || ' and a.entity_type in (''ticket'', ''order'')'
                       || ' and coalesce(a.summary ->> ''ticket_number'', a.summary ->> ''order_number'') = $6';
  end if;
  for i in 1 .. coalesce(cardinality(v_terms.patterns), 0) loop
    v_match := v_match || format(' and a.search_text like $7[%s]', i);
  end loop;

  -- 0. Candidates newest first from a posting list, each checked with the full predicate (so the
  --    answer is the plain query's), stopping when the page is full:
  --    - the activity of the tickets a status filter keeps, when they are few;
  --    - else the postings of the word that is rarest below the cursor.
  --    Words with few keys also drop candidates by their postings before any row is read. A word
  --    matching more than c_max_keys vocabulary keys is checked on the row only; when every word
  --    is like that (and no status filter is selective), the plan of steps 1-2 serves the query.
  if p_after is null and v_terms.number is null and (v_terms.words is not null or v_status is not null) then
    v_cursor := coalesce(p_before, c_top);
    -- The kinds a row may have to be in the answer: the postings to read.
    v_key_types := array(select t from unnest(array['ticket', 'order', 'customer', 'product']) t
                          where (v_types is null or t = any (v_types))
                            and (v_role = 'admin' or t <> 'order')
                            and (v_status is null and v_priority is null or t = 'ticket'));
    v_k := greatest(2 * v_limit, 32);
    if v_status is not null then
      -- Counted here, capped, on the heads' index (one head per ticket, with its status and
      -- priority), not read from the counters: routing must not depend on them. A filter with no
      -- word that keeps more than c_max_tickets tickets goes to the heads' path at once (below):
      -- it is exact for any cursor, and the window would cost more than it (status closed:
      -- none of its tickets among the newest rows).
      select count(*) into v_tickets
        from (select 1 from private.ticket_activity_heads h
               where h.status = any (v_status) and (v_priority is null or h.priority = any (v_priority))
               limit c_max_tickets + 1) t;
      v_heads_now := v_terms.words is null and v_tickets > c_max_tickets and 'ticket' = any (v_key_types);
    end if;
    if v_status is not null and not v_heads_now then
      -- The newest c_window rows first (step 1 below): active tickets' rows are dense there, and
      -- a page found there costs a few ms.
      return query execute c_columns || ' from (select a.* from public.activity_log a where true' || v_bound || v_scope
                        || v_order || ' limit $9) a where true' || v_match || v_order || ' limit $8'
        using p_after, v_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window;
      get diagnostics v_found = row_count;
      if v_found >= v_limit then
        return;
      end if;
      execute 'select min(a.id), count(*)::int from (select a.id from public.activity_log a where true' || v_bound
           || v_scope || v_order || ' limit $9) a'
        into v_floor, v_window
        using p_after, v_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window;
      if v_window < c_window then
        return;  -- the window held every row in range
      end if;
      -- Below the window from here on, also for steps 1-2 if they serve the rest.
      v_cursor := v_floor;
      v_before := v_floor;
      v_bound := ' and a.id < $2';
      v_limit := v_limit - v_found;
      if v_tickets <= c_max_tickets then
        -- EXECUTE: planned for these values (a few tickets by tickets_status_idx, then each
        -- one's rows by activity_log_entity_history_idx), never a generic plan.
        execute 'select array(select a.id from public.tickets t'
             || ' join public.activity_log a on a.entity_type = ''ticket'' and a.entity_id = t.id'
             || ' where t.status = any ($1)' || case when v_priority is not null then ' and t.priority = any ($2)' else '' end
             || ' and a.id < $3 order by a.id desc)'
          into v_list
          using v_status, v_priority, v_cursor;
      end if;
    end if;
    foreach v_word in array coalesce(v_terms.words, '{}') loop
      continue when v_word = '';  -- an empty word ('% %') matches every row
      v_keys := private.activity_word_keys(v_word, c_max_keys, v_key_types);
      continue when v_keys is null;
      if cardinality(v_keys) = 0 then
        return;  -- no row holds the word
      end if;
      v_block := private.activity_postings_below(v_keys, v_cursor, v_k);
      if cardinality(v_block) = 0 then
        return;  -- no row below the cursor holds it
      end if;
      -- Its density below the cursor (0: the block holds all its postings there).
      v_w_keys := v_w_keys || v_keys::text;
      v_w_total := v_w_total || cardinality(v_block);
      v_w_density := v_w_density || case when cardinality(v_block) < v_k then 0
                                          else v_k::float8 / greatest(v_cursor - v_block[v_k], 1) end;
      -- Rarer: fewer postings in all (a short block), else an older k-th posting.
      if v_list is null and (
           v_candidates is null
           or (cardinality(v_block) < v_k and cardinality(v_block) < cardinality(v_candidates))
           or (cardinality(v_candidates) = v_k and cardinality(v_block) = v_k and v_block[v_k] < v_candidates[v_k])) then
        v_candidates := v_block;
        v_driver := v_keys;
        v_driver_i := cardinality(v_w_keys);
      end if;
    end loop;
    -- A status filter that keeps many tickets, with no word or only words too common to drive
    -- (status closed + priority urgent, alone or with 'screen'): the tickets whose activity is
    -- newest, from private.ticket_activity_heads (20261202011000), each one's rows below the
    -- cursor by activity_log_entity_history_idx.
    --
    -- Why it is exact. Let B = v_cursor, H(t) the head's bound of ticket t (every row of t has
    -- id <= H(t)) and key(t) = least(H(t), B - 1), so every row of t below B has id <= key(t).
    -- Every ticket the filter keeps has a head with its current status and priority (the heads'
    -- invariant), so it is either in A = {H >= B} or in the stream {H < B} read in descending
    -- (H, ticket_id) order. Tickets are read in descending key order (A first: key B - 1; then the
    -- stream); of every ticket read, all its rows below B that pass the full predicate (v_scope,
    -- v_match: the same checks as every other path, so a head that keeps too many tickets or too
    -- high a bound costs time, never a result) are read, newest first, at most v_limit of them.
    -- Stop after a stream batch whose smallest head is (v_bl, v_bt) once v_limit rows are found
    -- and the v_limit-th newest has id > v_bl: every ticket not read has key <= v_bl, so each of
    -- its rows is older than the v_limit rows found and none of them is in the page. Or stop when
    -- the stream is exhausted (every ticket read) or v_bl = 0 (no ticket left has a row). So the
    -- rows found are the newest v_limit matching rows below B: the page.
    -- For an older page B is p_before's window floor: a ticket with rows on newer pages has
    -- H >= B and is in A, read in full below B; a per-ticket bound is enough because key(t)
    -- caps it at B - 1, it never has to be the newest id below B.
    -- Past c_heads_budget tickets (a filter whose tickets' rows rarely match the words), the
    -- rows found are dropped and the paths below serve the query as before.
    if v_list is null and v_status is not null and 'ticket' = any (v_key_types)
       and (v_driver is null or v_w_density[v_driver_i] > c_dense) then
      v_prios := coalesce(v_priority, array['low', 'normal', 'high', 'urgent']);
      v_batch := array(select h.ticket_id
                         from unnest(v_status) s(v) cross join unnest(v_prios) p(v)
                         cross join lateral (select h.ticket_id from private.ticket_activity_heads h
                                              where h.status = s.v and h.priority = p.v and h.last_activity_id >= v_cursor
                                              limit c_heads_budget + 1) h);
      v_heads := 0;
      v_page := '{}';
      v_hk := v_k;
      v_bl := v_cursor;
      v_bt := '00000000-0000-0000-0000-000000000000';
      v_n := -1;  -- A first, then the stream
      loop
        v_heads := v_heads + cardinality(v_batch);
        exit when v_heads > c_heads_budget;
        if cardinality(v_batch) > 0 then
          execute 'select array(select x.id from unnest($12::uuid[]) b(tid) cross join lateral'
               || ' (select a.id from public.activity_log a where a.entity_type = ''ticket'' and a.entity_id = b.tid'
               || ' and a.id < $2' || v_scope || v_match || ' order by a.id desc limit $8) x)'
            into v_ids
            using p_after, v_cursor, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit,
                  null::int, null::bigint, null::int, v_batch;
          v_page := array(select u from unnest(v_page || v_ids) u order by u desc limit v_limit);
        end if;
        exit when v_n >= 0 and (v_n < v_hk or v_bl = 0 or (cardinality(v_page) >= v_limit and v_page[v_limit] > v_bl));
        if v_n >= 0 then
          v_hk := least(4 * v_hk, c_max_batch);
        end if;
        select coalesce(array_agg(h.ticket_id order by h.l desc, h.ticket_id desc), '{}'), count(*)::int,
               (array_agg(h.l order by h.l, h.ticket_id))[1], (array_agg(h.ticket_id order by h.l, h.ticket_id))[1]
          into v_batch, v_n, v_bl, v_bt
          from (select h.ticket_id, h.last_activity_id as l
                  from unnest(v_status) s(v) cross join unnest(v_prios) p(v)
                  cross join lateral (select h.ticket_id, h.last_activity_id from private.ticket_activity_heads h
                                       where h.status = s.v and h.priority = p.v
                                         and (h.last_activity_id, h.ticket_id) < (v_bl, v_bt)
                                       order by h.last_activity_id desc, h.ticket_id desc limit v_hk) h
                 order by 2 desc, 1 desc limit v_hk) h;
        v_bl := coalesce(v_bl, 0);
      end loop;
      if v_heads <= c_heads_budget then
        return query execute c_columns || ' from public.activity_log a where a.id = any ($12::bigint[]) order by a.id desc'
          using p_after, p_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit,
                null::int, null::bigint, null::int, v_page;
        return;
      end if;
    end if;
    if v_list is null and v_status is not null and v_w_density[v_driver_i] > c_dense then
      -- A common word under a status filter that keeps many tickets but few of the newest rows
      -- (closed tickets): the old plan walks the log as cheaply as the word's postings would.
      v_driver := null;
    end if;
    if v_list is not null or v_driver is not null then
      v_need := v_limit;
      v_checked := 0;
      v_pos := 0;
      loop
        if v_list is not null then
          v_candidates := v_list[v_pos + 1 : v_pos + v_k];
          v_pos := v_pos + v_k;
          v_last := v_pos >= cardinality(v_list);
        else
          v_last := cardinality(v_candidates) < v_k;
        end if;
        v_n := cardinality(v_candidates);
        exit when v_n = 0;
        -- The other words' postings drop most candidates before any row is read: read a word's
        -- postings between the candidates' ids when they are expected to be few, else probe one
        -- (key, id) per key and candidate.
        v_rows := v_candidates;
        for i in 1 .. cardinality(v_w_keys) loop
          continue when i = v_driver_i or cardinality(v_rows) = 0;
          v_keys := v_w_keys[i]::int[];
          if (case when v_w_density[i] = 0 then v_w_total[i]
                   else v_w_density[i] * (v_rows[1] - v_rows[cardinality(v_rows)] + 1) end)
             <= 10.0 * cardinality(v_rows) * cardinality(v_keys) then
            v_rows := private.activity_postings_within(v_rows, v_keys);
          elsif cardinality(v_keys) <= c_probe_keys then
            v_rows := private.activity_postings_having(v_rows, v_keys);
          end if;
        end loop;
        -- One primary-key probe per candidate (offset 0: never a plan that reads the log for them),
        -- in slices of c_check_rows, so that a page filled early leaves the rest of a batch unread.
        v_slice := 0;
        while v_need > 0 and v_slice < cardinality(v_rows) loop
          return query execute c_columns || ' from unnest($12::bigint[]) c(id) cross join lateral'
                            || ' (select a.* from public.activity_log a where a.id = c.id' || v_scope || v_match
                            || ' offset 0) a order by a.id desc limit $11'
            using p_after, p_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window,
                  null::bigint, v_need, v_rows[v_slice + 1 : v_slice + c_check_rows];
          get diagnostics v_found = row_count;
          v_need := v_need - v_found;
          v_slice := v_slice + c_check_rows;
        end loop;
        exit when v_need = 0 or v_last;
        v_checked := v_checked + cardinality(v_rows);
        if v_list is null and v_status is not null and v_checked >= c_row_budget then
          -- The status filter drops what the words keep: on with the plan of steps 1-2 below the
          -- last candidate.
          v_before := v_candidates[v_n];
          v_bound := ' and a.id < $2';
          v_limit := v_need;
          exit;
        end if;
        v_k := least(4 * v_k, c_max_batch);
        if v_list is null then
          v_candidates := private.activity_postings_below(v_driver, v_candidates[v_n], v_k);
        end if;
      end loop;
      if v_need = 0 or v_last or v_n = 0 then
        return;
      end if;
    end if;
  end if;

  if p_after is not null or v_terms.number is not null or (v_match = '' and v_types is null) then
    return query execute c_columns || ' from public.activity_log a where true' || v_bound || v_scope || v_match
                      || case when p_after is not null then ' order by a.id' else ' order by a.id desc' end
                      || ' limit $8'
      using p_after, p_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit;
    return;
  end if;

  -- 1. The newest c_window rows in range.
  return query execute c_columns || ' from (select a.* from public.activity_log a where true' || v_bound || v_scope
                    || v_order || ' limit $9) a where true' || v_match || v_order || ' limit $8'
    using p_after, v_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window;
  get diagnostics v_found = row_count;
  if v_found >= v_limit then
    return;
  end if;
  execute 'select min(a.id), count(*)::int from (select a.id from public.activity_log a where true' || v_bound || v_scope
       || v_order || ' limit $9) a'
    into v_floor, v_window
    using p_after, v_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window;
  if v_window < c_window then
    return;  -- the window held every row in range
  end if;

  -- 2. Below the window: walk on, or start from the indexes.
  v_need := v_limit - v_found;
  if v_found > 0 and v_need::bigint * c_window / v_found <= c_walk_rows then
    perform set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true);
  elsif v_terms.patterns is not null and v_status is null and v_priority is null then
    perform set_config('enable_indexscan', 'off', true);  -- the trigram index, not a walk through the log
  end if;
  return query execute c_columns || ' from public.activity_log a where a.id < $10' || v_scope || v_match
                    || v_order || ' limit $11'
    using p_after, v_before, v_types, v_status, v_priority, v_terms.number, v_terms.patterns, v_limit, c_window,
          v_floor, v_need;
  perform set_config('enable_bitmapscan', v_bitmapscan, true), set_config('enable_seqscan', v_seqscan, true),
          set_config('enable_indexscan', v_indexscan, true);
end;
$$;


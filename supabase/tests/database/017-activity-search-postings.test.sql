-- activity_feed's posting list (20261202010000, 20261202010100) against a brute-force filter.
--
-- Invariant: for any log and any arguments, activity_feed returns exactly the rows the contract
-- describes, newest first: p_query is a number (that ticket or order number) or words that must
-- all occur in the row's search text, lowercased, a word of 3+ characters anywhere, a shorter one
-- right after a space ('#' before a digit dropped); support never sees an order row. The brute
-- force below is written from that contract with strpos, not with the function's own LIKE
-- patterns. The log is random (seeded): mixed case, accents, punctuation, LIKE wildcards, tabs
-- and newlines inside fields, repeated words, a very common word, words only in the oldest rows,
-- rows updated and deleted behind the triggers' back. Queries are random too, many of them cut
-- from real rows (so substrings across fields and inside e-mails, SKUs and numbers), with random
-- filters, cursors and page sizes, for both roles. Sizes reach every path: a status filter with
-- few tickets (their activity), with more (the words' postings, then the old plan; the thresholds
-- are lowered for a second round), words with more than 64 vocabulary keys (old plan), batches
-- beyond the first.
begin;
select plan(15);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b1700000-0000-4000-8000-000000000001', 'postings.admin@example.com', 'authenticated', 'authenticated'),
  ('b1700000-0000-4000-8000-000000000002', 'postings.support@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1700000-0000-4000-8000-000000000001', 'Postings Admin', 'admin'),
  ('b1700000-0000-4000-8000-000000000002', 'Postings Support', 'support');

select setseed(0.17);
create temporary table vocab (n int primary key, w text) on commit drop;
insert into vocab select n, w from unnest(array[
  'screen', 'Screen', 'SCREEN', 'cracked', 'battery', 'José', 'JOSÉ', 'Ångström', 'müller', 'O''Brien', 'Smith-Jones',
  'smith', 'jones', 'x%y', 'a_b', 'back\slash', 'iPhone', '13', 's21', 'Galaxy', 'lg', 'e', 'tab' || chr(9) || 'bed',
  'new' || chr(10) || 'line', 'double  space', 'dot.ted', 'café', 'naïve', '#42', 'co', 'com', 'screen,', '(paren)',
  'über', 'straße', 'ÉCRAN', 'q', 'zz', 'mid', 'midway', 'amid'
]) with ordinality as t(w, n);

create function pg_temp.pick() returns text language sql volatile as $$
  select w from vocab where n = (select 1 + floor(random() * (select count(*) from vocab))::int)  -- drawn once
$$;
create function pg_temp.phrase(p_words int) returns text language sql volatile as $$
  select string_agg(pg_temp.pick(), case when random() < 0.1 then '  ' else ' ' end) from generate_series(1, p_words)
$$;

-- The oldest rows: words found nowhere else ('fossil', 'Relic 9000'), and a few closed tickets with 'lateword'.
insert into public.customers (id, full_name, email)
select md5('pc' || i)::uuid, 'Fossil ' || pg_temp.pick(), 'fossil' || i || '@old.example' from generate_series(1, 20) i;
insert into public.tickets (customer_id, device, issue, status, priority, closed_at, created_at)
select md5('pc' || (1 + i % 20))::uuid, 'Relic 9000', 'fossil lateword ' || pg_temp.phrase(3), 'closed',
       (array['low', 'normal', 'high', 'urgent'])[1 + i % 4], now(), now() - interval '1 day'
  from generate_series(1, 30) i;

-- The bulk: customers, products, 2,500 closed tickets, then orders, then the newest tickets
-- (open with 'lateword', a few waiting for parts).
insert into public.customers (id, full_name, email)
select md5('pc' || i)::uuid, pg_temp.pick() || ' ' || pg_temp.pick() || ' ' || i,
       lower(replace(replace(translate(pg_temp.pick(), E' \t\n@', '____'), '(', ''), ')', '')) || '.' || i || '@mail.example'
  from generate_series(21, 1500) i;
insert into public.products (sku, name, price_cents)
select 'SKU-' || p || '-' || (array['A', 'B', 'X9'])[1 + p % 3], pg_temp.phrase(2) || ' part ' || p, 100 + p
  from generate_series(1, 120) p;
insert into public.tickets (customer_id, device, issue, status, priority, closed_at, created_at)
select md5('pc' || (21 + floor(random() * 1480)::int))::uuid, pg_temp.phrase(2), 'screen ' || pg_temp.phrase(1 + floor(random() * 6)::int),
       'closed', (array['low', 'normal', 'high', 'urgent'])[1 + floor(random() * 4)::int], now(), now() - interval '1 hour'
  from generate_series(1, 2500) i;
insert into public.orders (customer_id, status)
select md5('pc' || (21 + floor(random() * 1480)::int))::uuid, (array['pending', 'paid'])[1 + floor(random() * 2)::int]
  from generate_series(1, 1200) k;
insert into public.tickets (customer_id, device, issue, status, priority, created_at)
select md5('pc' || (21 + floor(random() * 1480)::int))::uuid, pg_temp.phrase(2),
       'lateword screen ' || pg_temp.phrase(1 + floor(random() * 4)::int),
       case when i % 97 = 0 then 'waiting_parts' else 'open' end,
       (array['low', 'normal', 'high', 'urgent'])[1 + floor(random() * 4)::int], now()
  from generate_series(1, 2200) i;

-- The newest 4,000 rows: customers, so that the first window (the newest 3,000 rows) holds
-- none of the tickets above and the walks below it are exercised.
insert into public.customers (full_name, email)
select pg_temp.pick() || ' Newcomer ' || i, 'newcomer' || i || '@late.example' from generate_series(1, 4000) i;

set constraints all immediate;  -- number the activity rows as a commit would, and from now on per statement

update public.tickets set status = 'in_progress' where number % 7 = 0 and status = 'open';
update public.customers set full_name = 'Renamed ' || pg_temp.pick() where random() < 0.05;
update public.products set stock = stock + 1 where random() < 0.3;
delete from public.tickets where number % 211 = 0;
-- Priority changes write no activity row; a few tickets change status and priority at once,
-- some closed ones reopen, some move their priority back and forth in one statement each.
update public.tickets set priority = (array['low', 'normal', 'high', 'urgent'])[1 + floor(random() * 4)::int]
 where random() < 0.15;
update public.tickets set status = 'open', priority = 'urgent', closed_at = null where status = 'closed' and number % 13 = 0;
update public.tickets set priority = 'urgent' where number % 17 = 0;
update public.tickets set priority = 'low' where number % 34 = 0;
-- Behind the triggers' back (service role may): a summary rewritten, rows deleted.
update public.activity_log set summary = summary || jsonb_build_object('issue', 'rewritten ' || pg_temp.phrase(2))
 where id % 503 = 0 and entity_type = 'ticket';
delete from public.activity_log where id % 701 = 0;

-- 1-3 the writers: every row posted, the triggers fire under replica mode too
select cmp_ok((select count(*)::int from public.activity_log), '>', 11000, 'a log of more than 11,000 rows');
select is((select count(*)::int from public.activity_log a
            where exists (select 1 from private.activity_search_keys(a.search_text) k
                           where not exists (select 1 from private.activity_postings p
                                              where p.key = hashtext(a.entity_type || ' ' || k.word) and p.activity_id = a.id)
                              or not exists (select 1 from private.activity_search_words w
                                              where w.word = k.word collate "C" and w.plain = k.plain))),
  0, 'every key of every row is posted and in the vocabulary (inserts, updates)');
select is((select string_agg(tgname || '=' || tgenabled::text, ',' order by tgname) from pg_trigger
            where tgrelid = 'public.activity_log'::regclass and tgname like 'activity_log_post_%'),
  'activity_log_post_insert=A,activity_log_post_truncate=A,activity_log_post_update=A',
  'the posting triggers fire always (also under session_replication_role = replica)');

-- The ticket heads (20261202011000): one per ticket, its status and priority, a bound of its rows.
select is((select count(*)::int from public.tickets t
            full join private.ticket_activity_heads h on h.ticket_id = t.id
           where t.id is null or h.ticket_id is null or (h.status, h.priority) is distinct from (t.status, t.priority)
              or h.last_activity_id < coalesce((select max(a.id) from public.activity_log a
                                                 where a.entity_type = 'ticket' and a.entity_id = t.id), 0)),
  0, 'every ticket has one head with its status and priority and a bound of its activity ids');
select is((select string_agg(tgname || '=' || tgenabled::text, ',' order by tgname) from pg_trigger
            where tgname like '%heads%' and tgrelid in ('public.tickets'::regclass, 'public.activity_log'::regclass)),
  'activity_log_heads_insert=A,activity_log_heads_update=A,tickets_heads_delete=A,tickets_heads_insert=A,tickets_heads_truncate=A,tickets_heads_update=A',
  'the head triggers fire always');

-- The contract, brute force.
create function pg_temp.brute(p_admin boolean, p_limit int, p_after bigint, p_before bigint, p_query text,
                              p_types text[], p_status text[], p_priority text[]) returns bigint[]
language plpgsql as $$
declare
  v_q text := btrim(coalesce(p_query, ''), E' \t\r\n');
  v_number text;
  v_words text[] := '{}';
  v_w text;
begin
  if v_q ~ '^#?[0-9]+$' then
    v_number := ltrim(v_q, '#')::numeric::text;
  elsif v_q <> '' then
    foreach v_w in array regexp_split_to_array(v_q, '\s+') loop
      v_words := v_words || lower(case when v_w ~ '^#[0-9]' then substr(v_w, 2) else v_w end);
    end loop;
  end if;
  return array(
    select a.id from public.activity_log a
     where (p_admin or a.entity_type <> 'order')
       and (p_before is null or a.id < p_before) and (p_after is null or a.id > p_after)
       and (cardinality(p_types) is not distinct from null or cardinality(p_types) = 0 or a.entity_type = any (p_types))
       and (coalesce(cardinality(p_status), 0) = 0 and coalesce(cardinality(p_priority), 0) = 0
            or a.entity_type = 'ticket' and exists (
                 select 1 from public.tickets t where t.id = a.entity_id
                    and (coalesce(cardinality(p_status), 0) = 0 or t.status = any (p_status))
                    and (coalesce(cardinality(p_priority), 0) = 0 or t.priority = any (p_priority))))
       and (v_number is null or a.entity_type in ('ticket', 'order')
                                and coalesce(a.summary ->> 'ticket_number', a.summary ->> 'order_number') = v_number)
       and not exists (select 1 from unnest(v_words) w
                        where case when length(w) < 3 then strpos(a.search_text, ' ' || w) = 0
                                   else strpos(a.search_text, w) = 0 end)
     order by case when p_after is null then -a.id else a.id end
     limit least(p_limit, 500));
end;
$$;

-- activity_feed as a signed-in staff member (PostgREST's role and claims).
create function pg_temp.feed_as(p_user uuid, p_limit int, p_after bigint, p_before bigint, p_query text,
                                p_types text[], p_status text[], p_priority text[]) returns bigint[]
language plpgsql as $$
declare
  v_ids bigint[];
begin
  perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  execute 'set local role authenticated';
  v_ids := array(select f.id from public.activity_feed(p_limit, p_after, p_before, p_query, p_types, p_status, p_priority) f);
  execute 'reset role';
  return v_ids;
end;
$$;

create temporary table posting_mismatches (who text, args text, got bigint[], want bigint[]) on commit drop;
create temporary table sample_texts on commit drop as select id, search_text from public.activity_log;

-- A random query: words from the vocabulary (random case), pieces cut from a real row's search
-- text, 1-2 character word starts, numbers, repeated words, words with no match.
create function pg_temp.random_query() returns text language plpgsql volatile as $$
declare
  v_parts text[] := '{}';
  v_text text;
  v_start int;
begin
  if random() < 0.08 then
    return (array['#', '']::text[])[1 + floor(random() * 2)::int]
        || (select coalesce(summary ->> 'ticket_number', summary ->> 'order_number') from public.activity_log
             where entity_type in ('ticket', 'order') order by random() limit 1);
  end if;
  for i in 1 .. 1 + floor(random() * 3)::int loop
    case floor(random() * 7)::int
    when 0, 1 then
      select search_text into v_text from sample_texts where id >= floor(random() * (select max(id) from sample_texts)) order by id limit 1;
      v_start := 1 + floor(random() * greatest(length(coalesce(v_text, '')) - 2, 1))::int;
      v_parts := v_parts || substr(v_text, v_start, 1 + floor(random() * 9)::int);
    when 2 then
      v_parts := v_parts || (case when random() < 0.5 then upper(pg_temp.pick()) else pg_temp.pick() end);
    when 3 then
      v_parts := v_parts || left(pg_temp.pick(), 1 + floor(random() * 2)::int);
    when 4 then
      v_parts := v_parts || (array['fossil', 'relic', 'lateword', 'screen', 'zzqx', 'mail.example', 'SKU-1', 'x%', '_b', '\s',
                                   'é', 'ß', '#4', '42', 'screen screen', 'Fossil fossil', 'ÉCRAN', 'sku-12-x9'])[1 + floor(random() * 18)::int];
    when 5 then
      v_parts := v_parts || (select coalesce(summary ->> 'customer_name', 'x') from public.activity_log order by random() limit 1);
    else
      v_parts := v_parts || pg_temp.pick();
    end case;
  end loop;
  v_text := array_to_string(v_parts, ' ');
  if cardinality(regexp_split_to_array(btrim(v_text, E' \t\r\n'), '\s+')) > 8 then
    v_text := pg_temp.pick();
  end if;
  return left(v_text, 200);
end;
$$;

create function pg_temp.check_postings(p_user uuid, p_admin boolean, p_calls int, p_seed float8) returns void language plpgsql as $$
declare
  v_types text[] := array['ticket', 'order', 'customer', 'product', 'customer,product', 'ticket,order', ''];
  v_statuses text[] := array['open', 'closed', 'waiting_parts', 'in_progress', 'closed,open', 'cancelled', ''];
  v_priorities text[] := array['urgent', 'low', 'high,urgent', ''];
  v_q text; v_t text[]; v_s text[]; v_p text[]; v_before bigint; v_after bigint; v_limit int; v_max bigint;
  v_got bigint[]; v_want bigint[];
begin
  perform setseed(p_seed);
  select max(a.id) into v_max from public.activity_log a;
  for n in 1 .. p_calls loop
    v_q := case when random() < 0.9 then pg_temp.random_query() end;
    v_t := case when random() < 0.25 then string_to_array(v_types[1 + floor(random() * 7)::int], ',') end;
    v_s := case when random() < 0.35 then string_to_array(v_statuses[1 + floor(random() * 7)::int], ',') end;
    v_p := case when random() < 0.2 then string_to_array(v_priorities[1 + floor(random() * 4)::int], ',') end;
    v_before := case when random() < 0.4 then 1 + floor(random() * (v_max + 5))::bigint end;
    v_after := case when v_before is null and random() < 0.1 then floor(random() * v_max)::bigint end;
    v_limit := (array[1, 3, 20, 50, 50, 100, 500])[1 + floor(random() * 7)::int];

    v_want := pg_temp.brute(p_admin, v_limit, v_after, v_before, v_q, v_t, v_s, v_p);
    v_got := pg_temp.feed_as(p_user, v_limit, v_after, v_before, v_q, v_t, v_s, v_p);
    if v_got is distinct from v_want then
      insert into posting_mismatches values (p_user::text,
        format('limit %s after %s before %s q %L types %s status %s priority %s', v_limit, v_after, v_before, v_q, v_t, v_s, v_p),
        v_got, v_want);
    end if;
  end loop;
end;
$$;

-- Ticket filters only (the heads' path, and its hand-over past the budget): random statuses and
-- priorities, no word or common words, random cursors and page sizes.
create function pg_temp.check_heads(p_user uuid, p_admin boolean, p_calls int, p_seed float8) returns void language plpgsql as $$
declare
  v_statuses text[] := array['closed', 'closed', 'open', 'closed,open', 'in_progress', 'closed,cancelled', 'waiting_parts,closed'];
  v_priorities text[] := array['urgent', 'low', 'high,urgent', 'normal', 'low,normal,high,urgent'];
  v_queries text[] := array['screen', 'SCREEN', 'co', 'lateword', 'screen cracked', 'e', 'fossil'];
  v_q text; v_t text[]; v_s text[]; v_p text[]; v_before bigint; v_limit int; v_max bigint;
  v_got bigint[]; v_want bigint[];
begin
  perform setseed(p_seed);
  select max(a.id) into v_max from public.activity_log a;
  for n in 1 .. p_calls loop
    v_q := case when random() < 0.4 then v_queries[1 + floor(random() * 7)::int] end;
    v_t := case when random() < 0.1 then string_to_array((array['ticket', 'customer,ticket', 'order'])[1 + floor(random() * 3)::int], ',') end;
    v_s := string_to_array(v_statuses[1 + floor(random() * 7)::int], ',');
    v_p := case when random() < 0.75 then string_to_array(v_priorities[1 + floor(random() * 5)::int], ',') end;
    -- often inside or below the tickets' rows: older pages
    v_before := case when random() < 0.6 then 1 + floor(random() * (v_max + 5))::bigint end;
    v_limit := (array[1, 3, 20, 50, 50, 100, 500])[1 + floor(random() * 7)::int];
    v_want := pg_temp.brute(p_admin, v_limit, null, v_before, v_q, v_t, v_s, v_p);
    v_got := pg_temp.feed_as(p_user, v_limit, null, v_before, v_q, v_t, v_s, v_p);
    if v_got is distinct from v_want then
      insert into posting_mismatches values (p_user::text || ' heads',
        format('limit %s before %s q %L types %s status %s priority %s', v_limit, v_before, v_q, v_t, v_s, v_p),
        v_got, v_want);
    end if;
  end loop;
end;
$$;

-- Pages walked down: each p_before the last id of the page before, to the end of the log.
create function pg_temp.walk_heads(p_user uuid, p_admin boolean, p_status text[], p_priority text[], p_query text, p_limit int)
returns void language plpgsql as $$
declare
  v_before bigint;
  v_got bigint[];
  v_want bigint[];
begin
  for n in 1 .. 400 loop
    v_want := pg_temp.brute(p_admin, p_limit, null, v_before, p_query, null, p_status, p_priority);
    v_got := pg_temp.feed_as(p_user, p_limit, null, v_before, p_query, null, p_status, p_priority);
    if v_got is distinct from v_want then
      insert into posting_mismatches values (p_user::text || ' walk',
        format('limit %s before %s q %L status %s priority %s', p_limit, v_before, p_query, p_status, p_priority), v_got, v_want);
      return;
    end if;
    exit when cardinality(v_got) < p_limit;
    v_before := v_got[p_limit];
  end loop;
end;
$$;

-- 4-6 known shapes: words only in the oldest rows, a status filter the words mostly miss (more
-- than 2,000 closed tickets), a word with more than 64 vocabulary keys
select is(pg_temp.feed_as('b1700000-0000-4000-8000-000000000001', 50, null, null, 'FOSSIL relic', null, null, null),
          pg_temp.brute(true, 50, null, null, 'FOSSIL relic', null, null, null), 'words only in the oldest rows');
select is(pg_temp.feed_as('b1700000-0000-4000-8000-000000000002', 50, null, null, 'lateword', null, '{closed}', null),
          pg_temp.brute(false, 50, null, null, 'lateword', null, '{closed}', null),
          'a word in thousands of open tickets, filtered to closed ones');
select is(pg_temp.feed_as('b1700000-0000-4000-8000-000000000001', 30, null, null, '1', null, null, null),
          pg_temp.brute(true, 30, null, null, '1', null, null, null), 'a one-digit word start (every number: the old plan)');

-- 7-10 the property, for both roles
select pg_temp.check_postings('b1700000-0000-4000-8000-000000000001', true, 300, 0.31);
select is((select count(*)::int from posting_mismatches where who = 'b1700000-0000-4000-8000-000000000001'), 0,
  'admin: 300 random calls equal the brute force');
select pg_temp.check_postings('b1700000-0000-4000-8000-000000000002', false, 300, 0.47);
select is((select count(*)::int from posting_mismatches where who = 'b1700000-0000-4000-8000-000000000002'), 0,
  'support: 300 random calls equal the brute force without order rows');
-- With tiny routing thresholds (a status filter is "selective" up to 10 tickets, the words'
-- walk hands over to the old plan after 50 candidates), the same calls take the other paths.
select set_config('activity_search.row_budget', '50', true), set_config('activity_search.max_tickets', '10', true);
select pg_temp.check_postings('b1700000-0000-4000-8000-000000000002', false, 200, 0.53);
select pg_temp.check_postings('b1700000-0000-4000-8000-000000000001', true, 200, 0.61);
select is((select count(*)::int from posting_mismatches), 0,
  'with tiny routing thresholds: 400 more random calls (both roles) equal the brute force');
select set_config('activity_search.row_budget', '', true), set_config('activity_search.max_tickets', '', true);
-- 11-13 the heads' path: closed tickets (more than 2,000) at the default thresholds, every
-- status with max_tickets lowered, and with a budget of 3 tickets (the hand-over).
select (select coalesce(sum(idx_scan), 0) from pg_stat_xact_user_tables where relid = 'private.ticket_activity_heads'::regclass)::int as heads_scans_before
\gset
select pg_temp.check_heads('b1700000-0000-4000-8000-000000000001', true, 150, 0.71);
select pg_temp.check_heads('b1700000-0000-4000-8000-000000000002', false, 150, 0.73);
select pg_temp.walk_heads('b1700000-0000-4000-8000-000000000002', false, '{closed}', '{urgent}', null, 50);
select pg_temp.walk_heads('b1700000-0000-4000-8000-000000000001', true, '{closed}', '{urgent}', 'screen', 37);
select pg_temp.walk_heads('b1700000-0000-4000-8000-000000000001', true, '{closed,open}', null, null, 200);
select cmp_ok((select coalesce(sum(idx_scan), 0)::int from pg_stat_xact_user_tables where relid = 'private.ticket_activity_heads'::regclass),
  '>', :heads_scans_before + 300, 'the ticket filter calls read the heads');
select is((select count(*)::int from posting_mismatches), 0,
  'ticket filters (300 random calls, 3 walks through every page) equal the brute force');
select set_config('activity_search.max_tickets', '10', true);
select pg_temp.check_heads('b1700000-0000-4000-8000-000000000001', true, 120, 0.79);
select pg_temp.walk_heads('b1700000-0000-4000-8000-000000000002', false, '{open}', '{high,urgent}', null, 20);
select set_config('activity_search.heads_budget', '3', true);
select pg_temp.check_heads('b1700000-0000-4000-8000-000000000002', false, 120, 0.83);
select pg_temp.walk_heads('b1700000-0000-4000-8000-000000000001', true, '{closed}', '{urgent}', 'screen', 50);
select set_config('activity_search.max_tickets', '', true), set_config('activity_search.heads_budget', '', true);
select is((select count(*)::int from posting_mismatches), 0,
  'ticket filters with every status on the heads, and with a budget of 3 tickets, equal the brute force');

select is((select coalesce(string_agg(args || ' got ' || coalesce(got::text, '{}') || ' want ' || coalesce(want::text, '{}'), E'\n'), '')
             from (select * from posting_mismatches limit 3) m), '', 'no mismatch (first three shown)');

select * from finish();
rollback;

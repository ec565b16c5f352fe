-- Activity search, first page in a few ms however thinly the matches are spread (issue 11):
-- a per-word posting list read newest first.
--
-- Why. The trigram index knows which rows match a word but not their order, so a word whose
-- matches are few among the newest rows (a mid-frequency name, a term only in old rows) made
-- activity_feed visit every match or walk a long way down the id index. A posting list keyed by
-- word and ordered by activity id gives the newest matches of a word directly.
--
-- What is posted. For each activity row, its keys: every space-separated token of its
-- search_text (the lowercased summary text, see 20261201210000) and every maximal run of
-- [[:alnum:]] characters inside those tokens ('c12.smith@example.com' gives that token and 'c12',
-- 'smith', 'example', 'com'). The posting holds hashtext(entity_type || ' ' || key) and the
-- activity id, so that a kind filter, a ticket filter and the support role (never an order) read
-- only their kinds' postings ('James Moore' among customers: the customer rows holding 'moore',
-- not every ticket and order of every Moore); a query without them reads 4 lists per key. The same
-- keys go into a vocabulary with a flag saying whether the key is all [[:alnum:]]:
--   - a query word of 3+ characters matches today anywhere in search_text (LIKE '%w%'). It has
--     no space, so it lies inside one token; if it is all [[:alnum:]] it lies inside one run.
--     So the rows it matches are among the postings of the vocabulary keys of its own flag that
--     contain it;
--   - a word of 1-2 characters matches at the start of a space-separated token (LIKE '% w%'):
--     among the postings of the keys of its flag that start with it.
-- Postings only propose candidates: activity_feed checks every candidate with exactly the
-- predicate it used before (LIKE on search_text, role, types, ticket filters), so the results
-- are today's whatever the posting list holds beyond them (a hash collision, a deleted or
-- updated row). What it must never miss is a row's keys: the trigger below is ENABLE ALWAYS, so
-- it also fires under session_replication_role = replica (bulk fills, logical replication).
-- A data-only restore with triggers disabled must run private.activity_postings_rebuild().
-- The trigram index stays: activity_feed falls back to the old plan for a query whose every word
-- matches too many vocabulary keys to walk (such words are common: 'co', '1').
--
-- Applying this at 1 M activity rows fills the posting list set-based (14.2 M postings, 1.0 GB on the
-- bench data, about 100 s plus 13 s for its primary key); writers wait at commit meanwhile.

create table private.activity_search_words (
  word text collate "C" primary key,
  plain boolean not null  -- every character is [[:alnum:]]
);
-- One trigram index per kind, so that 'smith' never visits the 3,000 e-mail addresses holding it.
create index activity_search_words_plain_trgm_idx on private.activity_search_words
  using gin (word extensions.gin_trgm_ops) where plain;
create index activity_search_words_compound_trgm_idx on private.activity_search_words
  using gin (word extensions.gin_trgm_ops) where not plain;

create table private.activity_postings (
  key int not null,  -- hashtext(entity_type || ' ' || word)
  activity_id bigint not null
);

alter table private.activity_search_words enable row level security;
alter table private.activity_postings enable row level security;
revoke all on table private.activity_search_words, private.activity_postings from public, anon, authenticated;

-- The keys of one search_text: its distinct space-separated tokens and the [[:alnum:]] runs of
-- those that are not all [[:alnum:]].
create function private.activity_search_keys(p_text text) returns table (word text, plain boolean)
language sql
immutable
parallel safe
rows 20
set search_path = ''
as $$
  with tokens as (
    select distinct t, t ~ '^[[:alnum:]]+$' as plain
      from unnest(string_to_array(p_text, ' ')) t
     where t <> ''
  )
  select t, plain from tokens
  union
  select m[1], true from tokens, regexp_matches(t, '[[:alnum:]]+', 'g') m where not plain
$$;
revoke execute on function private.activity_search_keys(text) from public;

-- Writers: post the rows a statement inserted or updated (an update's old postings stay: they only
-- ever propose a candidate that the row check then drops). Runs inside the flush, under its lock.
-- jit off: a writer's few rows never repay a compile (tens of ms, once per flush).
create function private.post_activity_rows() returns trigger
language plpgsql
security definer
set search_path = ''
set jit = off
as $$
begin
  with keys as materialized (
    select n.id, n.entity_type, k.word, k.plain
      from new_rows n cross join lateral private.activity_search_keys(n.search_text) k
  ), vocabulary as (
    insert into private.activity_search_words (word, plain)
    select distinct k.word, k.plain from keys k
     where not exists (select 1 from private.activity_search_words w where w.word = k.word collate "C")
    on conflict (word) do nothing
  )
  insert into private.activity_postings (key, activity_id)
  select distinct hashtext(k.entity_type || ' ' || k.word), k.id from keys k
  on conflict do nothing;
  return null;
end;
$$;
revoke execute on function private.post_activity_rows() from public;

create function private.clear_activity_postings() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  truncate private.activity_postings, private.activity_search_words;
  return null;
end;
$$;
revoke execute on function private.clear_activity_postings() from public;

-- Every row in the log, set-based: this migration, or a restore that disabled triggers. About
-- 100 s at 1 M rows on 2 cores.
create function private.activity_postings_rebuild() returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_rows bigint;
begin
  truncate private.activity_postings, private.activity_search_words;
  insert into private.activity_search_words (word, plain)
  select distinct k.word, k.plain
    from public.activity_log a cross join lateral private.activity_search_keys(a.search_text) k;
  -- Distinct per row (a hash collision between two of its keys), so no sort of the whole list.
  insert into private.activity_postings (key, activity_id)
  select k.key, a.id
    from public.activity_log a
    cross join lateral (select distinct hashtext(a.entity_type || ' ' || k.word) as key
                          from private.activity_search_keys(a.search_text) k) k
  on conflict do nothing;
  get diagnostics v_rows = row_count;
  return v_rows;
end;
$$;
revoke execute on function private.activity_postings_rebuild() from public;

-- The backfill before the primary key, so the index is built sorted once.
select private.activity_postings_rebuild();
alter table private.activity_postings add primary key (key, activity_id);

create trigger activity_log_post_insert after insert on public.activity_log
  referencing new table as new_rows
  for each statement execute function private.post_activity_rows();
create trigger activity_log_post_update after update on public.activity_log
  referencing new table as new_rows
  for each statement execute function private.post_activity_rows();
create trigger activity_log_post_truncate after truncate on public.activity_log
  for each statement execute function private.clear_activity_postings();
alter table public.activity_log enable always trigger activity_log_post_insert;
alter table public.activity_log enable always trigger activity_log_post_update;
alter table public.activity_log enable always trigger activity_log_post_truncate;

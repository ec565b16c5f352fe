-- Issue 17, delta contract v2 (docs/delta-contract.md): deltas that can be checked.
--
-- seq. Every delta carries a per-topic number taken under the numbering lock
-- (private.flush_activity holds pg_advisory_xact_lock until its commit is visible), so a topic's
-- committed deltas are numbered in commit order, contiguous except where a transaction aborted
-- after numbering. A client holding seq S applies S + 1 and knows a delta with seq > S + 1 follows
-- a lost one, also when neither carries activity rows. The number comes from a sequence (nextval
-- is not transactional, so REPEATABLE READ and SERIALIZABLE writers never conflict on it) and each
-- delta appends (never updates) a head row (topic, seq, sent_at) that public.dashboard_sync reads
-- in its own snapshot: `delta_seq` / `delta_sent_at` are the newest delta the answer includes.
-- sent_at lets a client see the numbering go back (a restore or failover under the same epoch):
-- a delta numbered at or below what it holds but sent after it; prev_sent_at (the previous
-- delta's sent_at, read from the heads under the lock) chains each delta to the one before, so a
-- delta numbered next on another branch of the numbering (after a restore) is not taken for the
-- next one.
--
-- touched. The entities the transaction changed that the audience may see (support: no orders):
-- {tickets, orders, customers, products}, each a list of ids (at most 100) or 'many'. Statement
-- triggers with transition tables record them while the transaction runs; the flush reads them
-- before the lock. Order lines count as their order. Priority changes, line edits and renames add
-- no activity row, so this is how a client learns that a panel or a filtered search is stale.
--
-- Extra work under the lock: one nextval, one index probe and one insert per topic, and every 1,024th delta of a
-- READ COMMITTED writer deletes the topic's head rows older than 1,024 deltas (amortised O(1)).

-- Numbers and heads ------------------------------------------------------------------------------
create sequence private.dashboard_delta_seq_admin;
create sequence private.dashboard_delta_seq_support;
revoke all on sequence private.dashboard_delta_seq_admin, private.dashboard_delta_seq_support
  from public, anon, authenticated;

-- Logged: after a crash the heads must still match the data they were committed with.
create table private.dashboard_delta_heads (
  topic text not null,
  seq bigint not null,
  sent_at timestamptz not null,
  primary key (topic, seq)
);
alter table private.dashboard_delta_heads enable row level security;
revoke all on table private.dashboard_delta_heads from public, anon, authenticated;

-- Numbers the delta about to be sent on p_topic and records its head; prev_sent_at is the sent_at
-- of the topic's previous committed delta (null for the first, and for a REPEATABLE READ or
-- SERIALIZABLE writer, whose snapshot may not show it). Only under the numbering lock, where a new
-- statement sees every delta committed before (each released the lock once its commit was visible).
create function private.number_dashboard_delta(p_topic text, p_sent_at timestamptz, out seq bigint,
                                               out prev_sent_at timestamptz)
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_variable
begin
  seq := nextval(case when p_topic = 'dashboard:admin' then 'private.dashboard_delta_seq_admin'
                      else 'private.dashboard_delta_seq_support' end::regclass);
  if current_setting('transaction_isolation') = 'read committed' then
    select h.sent_at into prev_sent_at from private.dashboard_delta_heads h
     where h.topic = p_topic order by h.seq desc limit 1;
  end if;
  insert into private.dashboard_delta_heads (topic, seq, sent_at) values (p_topic, seq, p_sent_at);
  -- Pruned by READ COMMITTED writers only: a REPEATABLE READ one deleting a row another deleted
  -- after its snapshot would fail its commit. Under the lock, so two prunes never overlap.
  if seq % 1024 = 0 and current_setting('transaction_isolation') = 'read committed' then
    delete from private.dashboard_delta_heads h where h.topic = p_topic and h.seq < seq - 1024;
  end if;
end;
$$;
revoke execute on function private.number_dashboard_delta(text, timestamptz) from public;

-- The newest head visible in the caller's snapshot (null when none).
create function private.dashboard_delta_head(p_topic text, out seq bigint, out sent_at timestamptz)
language sql
stable
security definer
set search_path = ''
as $$
  select h.seq, h.sent_at from private.dashboard_delta_heads h where h.topic = p_topic order by h.seq desc limit 1
$$;
revoke execute on function private.dashboard_delta_head(text) from public;

-- Touched entities -------------------------------------------------------------------------------
-- tbl: 1 tickets, 2 orders, 3 customers, 4 products. id null: more than 100 (or a TRUNCATE).
-- Unlogged scratch rows of transactions in flight, deleted by their own flush.
create unlogged table private.delta_touched_pending (
  txid xid8 not null default pg_current_xact_id(),
  tbl smallint not null,
  id uuid
);
create unique index delta_touched_pending_key on private.delta_touched_pending (txid, tbl, id);
alter table private.delta_touched_pending enable row level security;
revoke all on table private.delta_touched_pending from public, anon, authenticated;

-- TG_ARGV[0]: the tbl code; TG_ARGV[1] = 'lines': the rows are order_items (their order counts).
-- Transition tables are planned only when the branch that reads them runs.
create function private.record_touched() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_tbl smallint := tg_argv[0]::smallint;
  v_lines boolean := tg_argv[1] = 'lines';
  v_txid xid8 := pg_current_xact_id();
begin
  if exists (select 1 from private.delta_touched_pending p where p.txid = v_txid and p.tbl = v_tbl and p.id is null) then
    return null;
  end if;
  if tg_op = 'TRUNCATE' then
    insert into private.delta_touched_pending (tbl, id) values (v_tbl, null);
    return null;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and v_lines then
    insert into private.delta_touched_pending (tbl, id)
    select v_tbl, t.id from (select distinct r.order_id as id from new_rows r limit 101) t
    on conflict do nothing;
  elsif tg_op in ('INSERT', 'UPDATE') then
    insert into private.delta_touched_pending (tbl, id)
    select v_tbl, t.id from (select distinct r.id from new_rows r limit 101) t
    on conflict do nothing;
  end if;
  if tg_op in ('DELETE', 'UPDATE') and v_lines then
    insert into private.delta_touched_pending (tbl, id)
    select v_tbl, t.id from (select distinct r.order_id as id from old_rows r limit 101) t
    on conflict do nothing;
  elsif tg_op = 'DELETE' then
    insert into private.delta_touched_pending (tbl, id)
    select v_tbl, t.id from (select distinct r.id from old_rows r limit 101) t
    on conflict do nothing;
  end if;
  if (select count(*) from (select 1 from private.delta_touched_pending p
                             where p.txid = v_txid and p.tbl = v_tbl limit 101) x) > 100 then
    insert into private.delta_touched_pending (tbl, id) values (v_tbl, null);
  end if;
  return null;
end;
$$;
revoke execute on function private.record_touched() from public;

create trigger tickets_touched_insert after insert on public.tickets
  referencing new table as new_rows for each statement execute function private.record_touched('1');
create trigger tickets_touched_update after update on public.tickets
  referencing old table as old_rows new table as new_rows for each statement execute function private.record_touched('1');
create trigger tickets_touched_delete after delete on public.tickets
  referencing old table as old_rows for each statement execute function private.record_touched('1');
create trigger tickets_touched_truncate after truncate on public.tickets
  for each statement execute function private.record_touched('1');

create trigger orders_touched_insert after insert on public.orders
  referencing new table as new_rows for each statement execute function private.record_touched('2');
create trigger orders_touched_update after update on public.orders
  referencing old table as old_rows new table as new_rows for each statement execute function private.record_touched('2');
create trigger orders_touched_delete after delete on public.orders
  referencing old table as old_rows for each statement execute function private.record_touched('2');
create trigger orders_touched_truncate after truncate on public.orders
  for each statement execute function private.record_touched('2');

create trigger order_items_touched_insert after insert on public.order_items
  referencing new table as new_rows for each statement execute function private.record_touched('2', 'lines');
create trigger order_items_touched_update after update on public.order_items
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.record_touched('2', 'lines');
create trigger order_items_touched_delete after delete on public.order_items
  referencing old table as old_rows for each statement execute function private.record_touched('2', 'lines');
create trigger order_items_touched_truncate after truncate on public.order_items
  for each statement execute function private.record_touched('2', 'lines');

create trigger customers_touched_insert after insert on public.customers
  referencing new table as new_rows for each statement execute function private.record_touched('3');
create trigger customers_touched_update after update on public.customers
  referencing old table as old_rows new table as new_rows for each statement execute function private.record_touched('3');
create trigger customers_touched_delete after delete on public.customers
  referencing old table as old_rows for each statement execute function private.record_touched('3');
create trigger customers_touched_truncate after truncate on public.customers
  for each statement execute function private.record_touched('3');

create trigger products_touched_insert after insert on public.products
  referencing new table as new_rows for each statement execute function private.record_touched('4');
create trigger products_touched_update after update on public.products
  referencing old table as old_rows new table as new_rows for each statement execute function private.record_touched('4');
create trigger products_touched_delete after delete on public.products
  referencing old table as old_rows for each statement execute function private.record_touched('4');
create trigger products_touched_truncate after truncate on public.products
  for each statement execute function private.record_touched('4');

-- This transaction's touched entities for the admin audience (the support one drops orders), and
-- the scratch rows deleted. Before the numbering lock.
create function private.take_touched() returns jsonb
language plpgsql
security definer
set search_path = ''
-- plpgsql, generic plans: a SQL function's statements were planned again at every commit.
set plan_cache_mode = force_generic_plan
as $$
declare
  v jsonb;
begin
  with gone as (
    delete from private.delta_touched_pending p where p.txid = pg_current_xact_id() returning p.tbl, p.id
  )
  select jsonb_object_agg(t.name, coalesce(x.ids, '[]'::jsonb))
    into v
    from (values (1, 'tickets'), (2, 'orders'), (3, 'customers'), (4, 'products')) t(tbl, name)
    left join (
      select g.tbl, case when bool_or(g.id is null) or count(distinct g.id) > 100 then '"many"'::jsonb
                         else jsonb_agg(distinct g.id) end as ids
        from gone g group by g.tbl
    ) x on x.tbl = t.tbl;
  return v;
end;
$$;
revoke execute on function private.take_touched() from public;

-- The build ----------------------------------------------------------------------------------------
-- 20261207100000's build with p_touched, and `seq` and `touched` in each delta. The support delta
-- is also sent when the transaction touched a customer or a product (they are support-visible).
drop function private.build_and_send_dashboard_deltas(bigint, bigint, bigint, bigint, bigint, boolean);
create function private.build_and_send_dashboard_deltas(
  p_from_admin bigint, p_from_support bigint, p_first bigint, p_count bigint, p_support_count bigint,
  p_support_delta boolean, p_touched jsonb
) returns void
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  -- A REPEATABLE READ or SERIALIZABLE writer reads with its own older snapshot, which may miss
  -- what committed just before it: its delta says from_cursor -1 (no client holds it), so every
  -- client syncs instead of applying figures that could be behind.
  v_fresh boolean := current_setting('transaction_isolation') = 'read committed';
  -- Likewise when the revenue changes would not fit one message (a bulk import across more than
  -- 1,000 hours): the admin delta carries none and says from_cursor -1.
  v_apply_admin boolean;
  v_now timestamptz := clock_timestamp();
  v_hour timestamptz := date_trunc('hour', v_now, 'UTC');
  v_epoch text := private.activity_epoch();
  v_last bigint := p_first + p_count - 1;
  v_cursor bigint;
  v_rows int := 0;
  v_feed jsonb := '[]';
  v_kpis jsonb;
  v_status jsonb;
  v_aging jsonb;
  v_revenue jsonb;
  v_sent_at timestamptz;
  v_number record;
  v_support_touched jsonb := p_touched || jsonb_build_object('orders', '[]'::jsonb);
begin
  -- This transaction's revenue per hour: the delta's increments, and the adjustments of the
  -- cached ranges for the hours that are over.
  with gone as (
    delete from private.delta_revenue_pending d where d.txid = pg_current_xact_id()
    returning d.bucket, d.revenue_cents, d.orders_count, d.items_sold
  ), r as (
    select g.bucket, sum(g.revenue_cents) as revenue_cents, sum(g.orders_count) as orders_count,
           sum(g.items_sold) as items_sold
      from gone g group by g.bucket
    having sum(g.revenue_cents) <> 0 or sum(g.orders_count) <> 0 or sum(g.items_sold) <> 0
  ), adjusted as (
    insert into private.delta_hour_adjust (seq, tbl, bucket, a, b, c, d)
    select nextval('private.delta_hour_seq'), 1, r.bucket, r.revenue_cents, r.orders_count, r.items_sold, 0
      from r where r.bucket < v_hour
  )
  select coalesce(jsonb_agg(jsonb_build_object('hour', r.bucket, 'revenue_cents', r.revenue_cents,
                                               'orders_count', r.orders_count, 'items_sold', r.items_sold)
                            order by r.bucket), '[]')
    into v_revenue
    from r;

  -- Ticket hours before the transaction's start hour; a marker if the hour turned since it began.
  with gone as (
    delete from private.delta_hour_pending p where p.txid = pg_current_xact_id()
    returning p.bucket, p.a, p.b, p.c, p.d
  )
  insert into private.delta_hour_adjust (seq, tbl, bucket, a, b, c, d)
  select nextval('private.delta_hour_seq'), 2, x.bucket, x.a, x.b, x.c, x.d
    from (select g.bucket, sum(g.a) as a, sum(g.b) as b, sum(g.c) as c, sum(g.d) as d
            from gone g group by g.bucket
          having sum(g.a) <> 0 or sum(g.b) <> 0 or sum(g.c) <> 0 or sum(g.d) <> 0) x;
  if p_support_delta and date_trunc('hour', now(), 'UTC') < v_hour then
    insert into private.delta_hour_adjust (seq, tbl, bucket)
    values (nextval('private.delta_hour_seq'), 2, date_trunc('hour', now(), 'UTC'));
  end if;

  v_apply_admin := v_fresh and jsonb_array_length(v_revenue) <= 1000;
  if jsonb_array_length(v_revenue) > 1000 then
    v_revenue := '[]';
  end if;

  -- Admin: every writing transaction.
  v_cursor := case when p_count > 0 then greatest(p_from_admin, v_last) else p_from_admin end;
  if not v_fresh then
    v_cursor := greatest(v_cursor, private.activity_ids_issued());
  end if;
  if p_count > 0 then
    select f.n_rows, f.feed into v_rows, v_feed from private.delta_feed(true, p_first, v_last) f;
  end if;
  if v_fresh then
    select f.kpis, f.status, f.aging into v_kpis, v_status, v_aging
      from private.delta_figures(v_now, v_cursor, p_support_delta) f;
  else
    v_status := private.ticket_status_counts();
    if p_support_delta then
      v_aging := private.ticket_aging_json(v_now);
    end if;
    v_kpis := private.kpis('admin', v_now - interval '30 days', v_now, v_cursor, v_now);
  end if;
  v_sent_at := clock_timestamp();
  select n.seq, n.prev_sent_at into v_number from private.number_dashboard_delta('dashboard:admin', v_sent_at) n;
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'seq', v_number.seq,
    'prev_sent_at', v_number.prev_sent_at,
    'from_cursor', case when v_apply_admin then p_from_admin else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', v_revenue,
    'touched', p_touched,
    'sent_at', v_sent_at), 'delta', 'dashboard:admin', true);

  -- Support: only for support-visible rows, tickets, customers, products or a new epoch; never an
  -- order row, an order id or revenue.
  if p_support_count = 0 and not p_support_delta and v_support_touched -> 'customers' = '[]'::jsonb
     and v_support_touched -> 'products' = '[]'::jsonb then
    return;
  end if;
  v_rows := 0;
  v_feed := '[]';
  v_cursor := p_from_support;
  if p_support_count > 0 then
    select f.n_rows, f.feed into v_rows, v_feed from private.delta_feed(false, p_first, v_last) f;
    v_cursor := greatest(p_from_support, (select max(a.id) from public.activity_log a
                                           where a.id >= p_first and a.id <= v_last and a.entity_type <> 'order'));
  end if;
  if not v_fresh then
    v_cursor := greatest(v_cursor, private.activity_ids_issued());
  end if;
  -- private.kpis for support is the admin object with the revenue figures null (one read of the
  -- counters serves both; pgTAP 014 compares it with dashboard_sync's).
  v_kpis := v_kpis || jsonb_build_object(
    'total_revenue_cents', null, 'products_sold', null, 'orders_count', null, 'cursor', v_cursor, 'role', 'support',
    'previous', (v_kpis -> 'previous')
                || jsonb_build_object('total_revenue_cents', null, 'products_sold', null, 'orders_count', null));
  v_sent_at := clock_timestamp();
  select n.seq, n.prev_sent_at into v_number from private.number_dashboard_delta('dashboard:support', v_sent_at) n;
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'seq', v_number.seq,
    'prev_sent_at', v_number.prev_sent_at,
    'from_cursor', case when v_fresh then p_from_support else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_support_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', null,
    'touched', v_support_touched,
    'sent_at', v_sent_at), 'delta', 'dashboard:support', true);
end;
$$;
revoke execute on function private.build_and_send_dashboard_deltas(bigint, bigint, bigint, bigint, bigint, boolean, jsonb)
  from public;

-- 20261202000300's entry point (the slot fold, then the build), kept for callers that time the
-- build alone (bench/db-writers.ts): now with this transaction's touched entities.
create or replace function private.send_dashboard_deltas(
  p_from_admin bigint, p_from_support bigint, p_first bigint, p_count bigint, p_support_count bigint,
  p_support_delta boolean
) returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  if current_setting('transaction_isolation') = 'read committed' then
    perform private.compact_counter_slots(date_trunc('hour', clock_timestamp(), 'UTC'), 32);
  end if;
  perform private.build_and_send_dashboard_deltas(p_from_admin, p_from_support, p_first, p_count, p_support_count,
                                                  p_support_delta, private.take_touched());
end;
$$;

-- 20261207100000's flush with the touched entities taken before the lock.
create or replace function private.flush_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_txid xid8 := pg_current_xact_id();
  v_support_delta boolean;
  v_count bigint;
  v_support_count bigint;
  v_first bigint;
  v_from_admin bigint;
  v_from_support bigint;
  v_touched jsonb;
begin
  -- Not for REPEATABLE READ or SERIALIZABLE writers: locking a row changed after their snapshot
  -- would fail their commit.
  if current_setting('transaction_isolation') = 'read committed' then
    perform private.compact_counter_slots(date_trunc('hour', clock_timestamp(), 'UTC'), 32);
  end if;
  -- Only this transaction's scratch rows: nothing to wait for, so not under the lock.
  v_touched := private.take_touched();

  -- Same key as local-supabase/realtime/capture.sql: one lock, one commit order, no lock-order deadlock.
  perform pg_advisory_xact_lock(7363526110450217);

  update private.activity_pending p
     set summary = p.summary || jsonb_build_object('total_cents', o.total_cents, 'item_count', o.item_count,
                                                   'status', o.status)
    from public.orders o
   where p.txid = v_txid and p.kind = 'order_placed' and o.id = p.entity_id;

  delete from private.activity_flush_requests r where r.txid = v_txid returning r.support_delta into v_support_delta;

  -- The cursors before this transaction's rows: a new statement under the lock sees every
  -- transaction that numbered before it (each released the lock only once its commit was visible).
  v_from_admin := private.visible_cursor(true);
  v_from_support := private.visible_cursor(false);

  select count(*), count(*) filter (where p.entity_type <> 'order') into v_count, v_support_count
    from private.activity_pending p where p.txid = v_txid;
  if v_count > 0 then
    -- Reserve a block of ids; only this function takes from the sequence, and only under the lock.
    v_first := nextval('private.activity_log_id_seq');
    if v_count > 1 then
      perform setval('private.activity_log_id_seq', v_first + v_count - 1);
    end if;

    with moved as (
      delete from private.activity_pending p where p.txid = v_txid
      returning p.seq, p.kind, p.entity_type, p.entity_id, p.occurred_at, p.summary
    )
    insert into public.activity_log (id, kind, entity_type, entity_id, occurred_at, summary)
    select v_first - 1 + row_number() over (order by m.occurred_at, m.seq), m.kind, m.entity_type, m.entity_id,
           m.occurred_at, m.summary
      from moved m;
  end if;

  perform private.build_and_send_dashboard_deltas(v_from_admin, v_from_support, v_first, v_count, v_support_count,
                                                  coalesce(v_support_delta, false), v_touched);
  return null;
end;
$$;

-- dashboard_sync ------------------------------------------------------------------------------------
-- 20261201220100's function moves to private unchanged; the public one adds the newest delta head
-- of the caller's topic. Both are STABLE: every statement reads the calling query's snapshot, so
-- the head is exactly the newest delta the rest of the answer includes.
alter function public.dashboard_sync(bigint, text, int, timestamptz, text, text, timestamptz)
  rename to dashboard_sync_v1;
alter function public.dashboard_sync_v1(bigint, text, int, timestamptz, text, text, timestamptz) set schema private;
revoke execute on function private.dashboard_sync_v1(bigint, text, int, timestamptz, text, text, timestamptz)
  from public, anon, authenticated;

create function public.dashboard_sync(
  p_after bigint default null,
  p_epoch text default null,
  p_limit int default 100,
  p_revenue_from timestamptz default null,
  p_bucket text default 'day',
  p_tz text default 'UTC',
  p_after_at timestamptz default null
) returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v jsonb := private.dashboard_sync_v1(p_after, p_epoch, p_limit, p_revenue_from, p_bucket, p_tz, p_after_at);
  v_head record;
begin
  select h.seq, h.sent_at into v_head from private.dashboard_delta_head('dashboard:' || (v -> 'kpis' ->> 'role')) h;
  return v || jsonb_build_object('delta_seq', coalesce(v_head.seq, 0), 'delta_sent_at', v_head.sent_at);
end;
$$;
revoke execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text, timestamptz)
  from public, anon;
grant execute on function public.dashboard_sync(bigint, text, int, timestamptz, text, text, timestamptz)
  to authenticated, service_role;

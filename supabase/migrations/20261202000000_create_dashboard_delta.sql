-- Scale mode: each writing transaction pushes the dashboard's delta once, over the private
-- Broadcast topics 'dashboard:admin' and 'dashboard:support' (contract names), so the database's
-- work per change no longer grows with the number of open dashboards.
--
-- The delta is built at commit inside private.flush_activity, the one deferred trigger that
-- numbers the transaction's activity rows, right after it numbers them and under the same
-- advisory lock (held until the commit is visible). So the delta always sees its own numbered
-- rows, whatever order deferred triggers fire in, deltas are sent in commit order, and the
-- absolute figures they carry (read under the lock, READ COMMITTED: every earlier commit is
-- visible) never go back.
--
-- Every statement on the four tables and order_items queues that deferred work, also when it
-- adds no activity row (an order item edit that changes a total, a ticket priority change).
-- Revenue: the sales_hourly trigger also appends the transaction's net changes per UTC hour to
-- private.delta_revenue_pending, which the delta reads and deletes at commit.

-- Scratch rows of transactions in flight, always deleted by their own commit: unlogged (no WAL;
-- a crash loses only transactions that die with it).
create unlogged table private.delta_revenue_pending (
  txid xid8 not null default pg_current_xact_id(),
  bucket timestamptz not null,
  revenue_cents bigint not null,
  orders_count bigint not null,
  items_sold bigint not null
);
create index delta_revenue_pending_txid_idx on private.delta_revenue_pending (txid);
alter table private.delta_revenue_pending enable row level security;
revoke all on table private.delta_revenue_pending from public, anon, authenticated;

-- The support audience gets a delta without new visible rows when the transaction wrote tickets
-- (statuses, priorities, aging) or truncated the log (a new epoch).
alter table private.activity_flush_requests add column support_delta boolean not null default false;

-- Statement triggers: queue the deferred work once per transaction. TG_ARGV[0] = 'support' marks
-- it for the support audience too.
create function private.queue_dashboard_delta() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_argv[0] = 'support' then
    insert into private.activity_flush_requests as r (txid, support_delta) values (pg_current_xact_id(), true)
    on conflict (txid) do update set support_delta = true where not r.support_delta;
  else
    insert into private.activity_flush_requests (txid) values (pg_current_xact_id())
    on conflict (txid) do nothing;
  end if;
  return null;
end;
$$;
revoke execute on function private.queue_dashboard_delta() from public;

create trigger tickets_queue_dashboard_delta after insert or update or delete on public.tickets
  for each statement execute function private.queue_dashboard_delta('support');
create trigger tickets_truncate_queue_dashboard_delta after truncate on public.tickets
  for each statement execute function private.queue_dashboard_delta('support');
create trigger activity_log_truncate_queue_dashboard_delta after truncate on public.activity_log
  for each statement execute function private.queue_dashboard_delta('support');
create trigger orders_queue_dashboard_delta after insert or update or delete or truncate on public.orders
  for each statement execute function private.queue_dashboard_delta();
create trigger order_items_queue_dashboard_delta after insert or update or delete or truncate on public.order_items
  for each statement execute function private.queue_dashboard_delta();
create trigger customers_queue_dashboard_delta after insert or update or delete or truncate on public.customers
  for each statement execute function private.queue_dashboard_delta();
create trigger products_queue_dashboard_delta after insert or update or delete or truncate on public.products
  for each statement execute function private.queue_dashboard_delta();

-- sales_hourly as before (20261201201300), and the same net changes per hour appended to
-- private.delta_revenue_pending for this transaction's delta.
create or replace function private.apply_sales_hourly() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_slot smallint := private.counter_slot();
begin
  -- Transition tables are planned only when their branch runs, so one function serves all
  -- three events. Buckets are upserted in bucket order so writers sharing a slot cannot deadlock.
  if tg_op = 'INSERT' then
    with d as (
      select date_trunc('hour', n.created_at, 'UTC') as bucket, sum(n.total_cents) as revenue, count(*) as orders,
             sum(n.item_count) as items
        from new_orders n
       where n.status = 'paid'
       group by 1
    ), s as (
      insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
      select d.bucket, v_slot, d.revenue, d.orders, d.items from d order by d.bucket
      on conflict (bucket, slot) do update
        set revenue_cents = s.revenue_cents + excluded.revenue_cents,
            orders_count = s.orders_count + excluded.orders_count,
            items_sold = s.items_sold + excluded.items_sold
    )
    insert into private.delta_revenue_pending (bucket, revenue_cents, orders_count, items_sold)
    select d.bucket, d.revenue, d.orders, d.items from d;
  elsif tg_op = 'DELETE' then
    with d as (
      select date_trunc('hour', o.created_at, 'UTC') as bucket, -sum(o.total_cents) as revenue, -count(*) as orders,
             -sum(o.item_count) as items
        from old_orders o
       where o.status = 'paid'
       group by 1
    ), s as (
      insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
      select d.bucket, v_slot, d.revenue, d.orders, d.items from d order by d.bucket
      on conflict (bucket, slot) do update
        set revenue_cents = s.revenue_cents + excluded.revenue_cents,
            orders_count = s.orders_count + excluded.orders_count,
            items_sold = s.items_sold + excluded.items_sold
    )
    insert into private.delta_revenue_pending (bucket, revenue_cents, orders_count, items_sold)
    select d.bucket, d.revenue, d.orders, d.items from d;
  else
    with d as (
      select x.bucket, sum(x.revenue) as revenue, sum(x.orders) as orders, sum(x.items) as items
        from (select date_trunc('hour', n.created_at, 'UTC') as bucket, n.total_cents as revenue, 1 as orders,
                     n.item_count as items
                from new_orders n where n.status = 'paid'
              union all
              select date_trunc('hour', o.created_at, 'UTC'), -o.total_cents, -1, -o.item_count
                from old_orders o where o.status = 'paid') x
       group by x.bucket
      having sum(x.revenue) <> 0 or sum(x.orders) <> 0 or sum(x.items) <> 0
    ), s as (
      insert into public.sales_hourly as s (bucket, slot, revenue_cents, orders_count, items_sold)
      select d.bucket, v_slot, d.revenue, d.orders, d.items from d order by d.bucket
      on conflict (bucket, slot) do update
        set revenue_cents = s.revenue_cents + excluded.revenue_cents,
            orders_count = s.orders_count + excluded.orders_count,
            items_sold = s.items_sold + excluded.items_sold
    )
    insert into private.delta_revenue_pending (bucket, revenue_cents, orders_count, items_sold)
    select d.bucket, d.revenue, d.orders, d.items from d;
  end if;
  return null;
end;
$$;

-- The newest of the transaction's visible rows [p_first, p_last], newest first, in
-- dashboard_sync's feed item shape: at most 100 rows and at most 100 KB of them, so the
-- message stays far below Broadcast's smallest payload limit (256 KB on the Free plan).
create function private.delta_feed(p_admin boolean, p_first bigint, p_last bigint, out n_rows int, out feed jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  select count(*), coalesce(jsonb_agg(f.item order by f.id desc), '[]')
    into n_rows, feed
    from (select w.id, w.item, sum(pg_column_size(w.item)) over (order by w.id desc) as bytes
            from (select a.id, jsonb_build_object('id', a.id, 'kind', a.kind, 'entity_type', a.entity_type,
                           'entity_id', a.entity_id, 'occurred_at', a.occurred_at, 'summary', a.summary) as item
                    from public.activity_log a
                   where a.id >= p_first and a.id <= p_last and (p_admin or a.entity_type <> 'order')
                   order by a.id desc
                   limit 100) w) f
   where f.bytes <= 102400;
end;
$$;
revoke execute on function private.delta_feed(boolean, bigint, bigint) from public;

-- Builds and sends the deltas of the transaction whose rows were just numbered as
-- [p_first, p_first + p_count - 1] (p_count = 0: none), p_support_count of them not order rows.
-- Called by private.flush_activity under the numbering lock.
create function private.send_dashboard_deltas(
  p_from_admin bigint, p_from_support bigint, p_first bigint, p_count bigint, p_support_count bigint,
  p_support_delta boolean
) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  -- A REPEATABLE READ or SERIALIZABLE writer reads with its own older snapshot, which may miss
  -- what committed just before it: its delta says from_cursor -1 (no client holds it), so every
  -- client syncs instead of applying figures that could be behind.
  v_fresh boolean := current_setting('transaction_isolation') = 'read committed';
  v_now timestamptz := clock_timestamp();
  v_epoch text := private.activity_epoch();
  v_last bigint := p_first + p_count - 1;
  v_cursor bigint;
  v_rows int := 0;
  v_feed jsonb := '[]';
  v_kpis jsonb;
  v_status jsonb;
  v_aging jsonb;
  v_revenue jsonb;
begin
  with gone as (
    delete from private.delta_revenue_pending d where d.txid = pg_current_xact_id()
    returning d.bucket, d.revenue_cents, d.orders_count, d.items_sold
  )
  select coalesce(jsonb_agg(jsonb_build_object('hour', r.bucket, 'revenue_cents', r.revenue_cents,
                                               'orders_count', r.orders_count, 'items_sold', r.items_sold)
                            order by r.bucket), '[]')
    into v_revenue
    from (select g.bucket, sum(g.revenue_cents) as revenue_cents, sum(g.orders_count) as orders_count,
                 sum(g.items_sold) as items_sold
            from gone g group by g.bucket
          having sum(g.revenue_cents) <> 0 or sum(g.orders_count) <> 0 or sum(g.items_sold) <> 0) r;

  v_status := private.ticket_status_counts();
  if p_support_delta then
    v_aging := private.ticket_aging_json(v_now);
  end if;

  -- Admin: every writing transaction.
  v_cursor := case when p_count > 0 then greatest(p_from_admin, v_last) else p_from_admin end;
  if not v_fresh then
    v_cursor := greatest(v_cursor, private.activity_ids_issued());
  end if;
  if p_count > 0 then
    select f.n_rows, f.feed into v_rows, v_feed from private.delta_feed(true, p_first, v_last) f;
  end if;
  v_kpis := private.kpis('admin', v_now - interval '30 days', v_now, v_cursor, v_now);
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'from_cursor', case when v_fresh then p_from_admin else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', v_revenue,
    'sent_at', clock_timestamp()), 'delta', 'dashboard:admin', true);

  -- Support: only for support-visible rows, tickets or a new epoch; never an order row or revenue.
  if p_support_count = 0 and not p_support_delta then
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
  perform realtime.send(jsonb_build_object(
    'epoch', v_epoch,
    'from_cursor', case when v_fresh then p_from_support else -1 end,
    'cursor', v_cursor,
    'feed', v_feed,
    'feed_complete', v_rows = p_support_count,
    'kpis', v_kpis,
    'ticket_status', v_status,
    'ticket_aging', v_aging,
    'revenue', null,
    'sent_at', clock_timestamp()), 'delta', 'dashboard:support', true);
end;
$$;
revoke execute on function private.send_dashboard_deltas(bigint, bigint, bigint, bigint, bigint, boolean) from public;

-- The flush of 20261122223201, which now also sends the deltas.
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
begin
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

  perform private.send_dashboard_deltas(v_from_admin, v_from_support, v_first, v_count, v_support_count,
                                        coalesce(v_support_delta, false));
  return null;
end;
$$;

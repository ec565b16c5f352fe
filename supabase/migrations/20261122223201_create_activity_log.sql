-- Append-only activity log, written by triggers on tickets, orders, customers and products.
--
-- Its id is the cursor for polling and catch-up, so ids must become visible in increasing
-- order. An identity column would not do: the id is taken at insert and the row appears at
-- commit, so a long transaction's row would appear behind a reader's cursor. Instead the row
-- triggers append to private.activity_pending, and a deferred constraint trigger moves the
-- transaction's rows into activity_log at commit, numbering them from a sequence while holding
-- a transaction-level advisory lock. The lock is released only after the commit is visible, so
-- a transaction that numbers later also becomes visible later. Writers hold the lock only
-- for the move and the commit itself, never while they do their work.

create table public.activity_log (
  id bigint primary key,
  kind text not null check (kind in (
    'ticket_created', 'ticket_status_changed', 'ticket_deleted',
    'order_placed', 'order_status_changed', 'order_deleted',
    'customer_registered', 'customer_updated', 'customer_deleted',
    'product_created', 'product_updated', 'product_deleted')),
  entity_type text not null check (entity_type in ('ticket', 'order', 'customer', 'product')),
  entity_id uuid not null,
  occurred_at timestamptz not null,
  summary jsonb not null default '{}' check (jsonb_typeof(summary) = 'object')
);
create index activity_log_entity_idx on public.activity_log (entity_type, entity_id);
comment on table public.activity_log is
  'Append-only feed; id increases in commit order (assigned at commit), so it is a safe cursor.';

-- Used only by private.flush_activity(), under the lock; never reused even if rows are deleted.
create sequence private.activity_log_id_seq as bigint;

create table private.activity_pending (
  seq bigint generated always as identity primary key,
  txid xid8 not null default pg_current_xact_id(),
  kind text not null,
  entity_type text not null,
  entity_id uuid not null,
  occurred_at timestamptz not null,
  summary jsonb not null
);
create index activity_pending_txid_idx on private.activity_pending (txid);

-- One row per writing transaction: its deferred trigger runs the move once, at commit.
create table private.activity_flush_requests (
  txid xid8 primary key
);

alter table public.activity_log enable row level security;
alter table private.activity_pending enable row level security;
alter table private.activity_flush_requests enable row level security;

create policy "admins read all activity" on public.activity_log for select to authenticated
  using ((select private.staff_role()) = 'admin');
create policy "support read non-order activity" on public.activity_log for select to authenticated
  using ((select private.staff_role()) = 'support' and entity_type in ('ticket', 'customer', 'product'));

revoke all on table public.activity_log from anon, authenticated;
grant select on table public.activity_log to authenticated;
grant all on table public.activity_log to service_role;
revoke all on table private.activity_pending, private.activity_flush_requests from public;

-- Row trigger: describe the change and queue it for numbering at commit ------------------------
create function private.queue_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_kind text;
  v_entity_type text;
  v_row jsonb := to_jsonb(coalesce(new, old));
  v_old jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  v_customer_name text;
  v_summary jsonb;
  v_changed text[];
begin
  if tg_table_name in ('tickets', 'orders') then
    select c.full_name into v_customer_name
      from public.customers c where c.id = (v_row ->> 'customer_id')::uuid;
  end if;

  case tg_table_name
  when 'tickets' then
    v_entity_type := 'ticket';
    v_summary := jsonb_build_object('ticket_number', (v_row -> 'number'), 'customer_name', v_customer_name,
                                    'device', v_row -> 'device');
    if tg_op = 'INSERT' then
      v_kind := 'ticket_created';
      v_summary := v_summary || jsonb_build_object('issue', v_row -> 'issue', 'status', v_row -> 'status',
                                                   'priority', v_row -> 'priority');
    elsif tg_op = 'UPDATE' then
      if v_old ->> 'status' = v_row ->> 'status' then
        return null;
      end if;
      v_kind := 'ticket_status_changed';
      v_summary := v_summary || jsonb_build_object('old_status', v_old -> 'status', 'new_status', v_row -> 'status');
    else
      v_kind := 'ticket_deleted';
    end if;

  when 'orders' then
    v_entity_type := 'order';
    v_summary := jsonb_build_object('order_number', v_row -> 'number', 'customer_name', v_customer_name,
                                    'total_cents', v_row -> 'total_cents');
    if tg_op = 'INSERT' then
      v_kind := 'order_placed';  -- totals are refreshed at commit, after the items are in
      v_summary := v_summary || jsonb_build_object('item_count', v_row -> 'item_count', 'status', v_row -> 'status');
    elsif tg_op = 'UPDATE' then
      if v_old ->> 'status' = v_row ->> 'status' then
        return null;
      end if;
      v_kind := 'order_status_changed';
      v_summary := v_summary || jsonb_build_object('old_status', v_old -> 'status', 'new_status', v_row -> 'status');
    else
      v_kind := 'order_deleted';
    end if;

  when 'customers' then
    v_entity_type := 'customer';
    v_summary := jsonb_build_object('customer_name', v_row -> 'full_name', 'email', v_row -> 'email');
    if tg_op = 'INSERT' then
      v_kind := 'customer_registered';
    elsif tg_op = 'UPDATE' then
      select coalesce(array_agg(k order by k), '{}') into v_changed
        from unnest(array['full_name', 'email', 'phone']) k
       where v_old -> k is distinct from v_row -> k;
      if cardinality(v_changed) = 0 then
        return null;
      end if;
      v_kind := 'customer_updated';
      v_summary := v_summary || jsonb_build_object('changed', to_jsonb(v_changed));
    else
      v_kind := 'customer_deleted';
    end if;

  when 'products' then
    v_entity_type := 'product';
    v_summary := jsonb_build_object('product_name', v_row -> 'name', 'sku', v_row -> 'sku',
                                    'price_cents', v_row -> 'price_cents', 'stock', v_row -> 'stock');
    if tg_op = 'INSERT' then
      v_kind := 'product_created';
    elsif tg_op = 'UPDATE' then
      if v_old -> 'price_cents' = v_row -> 'price_cents' and v_old -> 'stock' = v_row -> 'stock' then
        return null;
      end if;
      v_kind := 'product_updated';
      v_summary := v_summary || jsonb_build_object('old_price_cents', v_old -> 'price_cents',
                                                   'old_stock', v_old -> 'stock');
    else
      v_kind := 'product_deleted';
    end if;
  end case;

  insert into private.activity_pending (kind, entity_type, entity_id, occurred_at, summary)
  values (v_kind, v_entity_type, (v_row ->> 'id')::uuid,
          case when tg_op = 'INSERT' then (v_row ->> 'created_at')::timestamptz else now() end,
          v_summary);
  insert into private.activity_flush_requests (txid) values (pg_current_xact_id())
  on conflict (txid) do nothing;
  return null;
end;
$$;
revoke execute on function private.queue_activity() from public;

create trigger tickets_queue_activity after insert or delete or update of status on public.tickets
  for each row execute function private.queue_activity();
create trigger orders_queue_activity after insert or delete or update of status on public.orders
  for each row execute function private.queue_activity();
create trigger customers_queue_activity
  after insert or delete or update of full_name, email, phone on public.customers
  for each row execute function private.queue_activity();
create trigger products_queue_activity after insert or delete or update of price_cents, stock on public.products
  for each row execute function private.queue_activity();

-- Deferred trigger: number the transaction's rows at commit, in commit order ------------------
create function private.flush_activity() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count bigint;
  v_first bigint;
begin
  -- Same key as local-supabase/realtime/capture.sql: one lock, one commit order, no lock-order deadlock.
  perform pg_advisory_xact_lock(7363526110450217);

  update private.activity_pending p
     set summary = p.summary || jsonb_build_object('total_cents', o.total_cents, 'item_count', o.item_count,
                                                   'status', o.status)
    from public.orders o
   where p.txid = pg_current_xact_id() and p.kind = 'order_placed' and o.id = p.entity_id;

  delete from private.activity_flush_requests r where r.txid = pg_current_xact_id();
  select count(*) into v_count from private.activity_pending p where p.txid = pg_current_xact_id();
  if v_count = 0 then
    return null;
  end if;
  -- Reserve a block of ids; only this function takes from the sequence, and only under the lock.
  v_first := nextval('private.activity_log_id_seq');
  if v_count > 1 then
    perform setval('private.activity_log_id_seq', v_first + v_count - 1);
  end if;

  with moved as (
    delete from private.activity_pending p where p.txid = pg_current_xact_id()
    returning p.seq, p.kind, p.entity_type, p.entity_id, p.occurred_at, p.summary
  )
  insert into public.activity_log (id, kind, entity_type, entity_id, occurred_at, summary)
  select v_first - 1 + row_number() over (order by m.occurred_at, m.seq), m.kind, m.entity_type, m.entity_id,
         m.occurred_at, m.summary
    from moved m;
  return null;
end;
$$;
revoke execute on function private.flush_activity() from public;

create constraint trigger activity_flush_at_commit
  after insert on private.activity_flush_requests
  deferrable initially deferred
  for each row execute function private.flush_activity();

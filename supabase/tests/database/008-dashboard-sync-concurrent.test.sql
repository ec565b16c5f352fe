-- A sync taken while other transactions commit never shows KPIs that disagree with its own
-- feed and cursor. Through dblink (pgTAP runs in one session): a writer commits 200 small
-- transactions (a ticket, sometimes a closing, a paid order with an item) while a reader,
-- signed in as admin, keeps calling dashboard_sync from the writer's starting cursor. Each
-- sample also recounts, in the same statement (same snapshot), the figures of the rows the
-- writer did not write; the KPIs must equal that share plus what the sample's own feed says the
-- writer did. Cleans up what the writer committed.
begin;
create extension if not exists dblink with schema extensions;
select plan(10);

select extensions.dblink_connect(name, format('host=%s port=%s dbname=%s user=postgres password=postgres',
         host(inet_server_addr()), inet_server_port(), current_database()))
  from unnest(array['sync_setup', 'sync_writer', 'sync_reader']) name;
select extensions.dblink_exec(name, 'set statement_timeout = ''60s''')
  from unnest(array['sync_setup', 'sync_writer', 'sync_reader']) name;

create temporary table cleanup_sql as select $$
  delete from public.orders where customer_id = 'c8000000-0000-4000-8000-000000000001';
  delete from public.tickets where customer_id = 'c8000000-0000-4000-8000-000000000001';
  delete from public.customers where id = 'c8000000-0000-4000-8000-000000000001';
  delete from public.products where id = 'd8000000-0000-4000-8000-000000000001';
$$ as data, $$
  delete from public.activity_log where entity_id in (
    select md5('sync8-' || k || '-' || i)::uuid from unnest(array['t', 'o']) k, generate_series(1, 200) i
    union all values ('c8000000-0000-4000-8000-000000000001'::uuid), ('d8000000-0000-4000-8000-000000000001'::uuid))
$$ as activity;

-- Leftovers of an interrupted earlier run.
select extensions.dblink_exec('sync_setup', data) from cleanup_sql;
select extensions.dblink_exec('sync_setup', activity) from cleanup_sql;
select extensions.dblink_exec('sync_setup', $$insert into public.customers (id, full_name, email)
  values ('c8000000-0000-4000-8000-000000000001', 'Cass Concurrent', 'cass.concurrent@example.com')$$);
select extensions.dblink_exec('sync_setup', $$insert into public.products (id, sku, name, price_cents)
  values ('d8000000-0000-4000-8000-000000000001', 'SYNC-CONC', 'Concurrent cable', 1000)$$);

-- The reader is admin, like a dashboard tab through PostgREST; each call is its own transaction.
select * from extensions.dblink('sync_reader',
  $$select set_config('request.jwt.claims', '{"sub":"a0000000-0000-4000-8000-000000000001","role":"authenticated"}', false)$$)
  as t(claims text);
select extensions.dblink_exec('sync_reader', 'set role authenticated');

create temporary table base as
  select (s ->> 'cursor')::bigint as cursor
    from extensions.dblink('sync_reader', 'select public.dashboard_sync(p_limit => 1)::text') as t(s jsonb);

create temporary table reader_sql as select format($q$
  select x.s::text, o.revenue, o.orders, o.items, o.new_24h, o.active, o.open, o.closed
    from (select public.dashboard_sync(p_after => %s, p_limit => 1000) as s) x
   cross join lateral (select (x.s #>> '{kpis,as_of}')::timestamptz as at) n
   cross join lateral (select
     (select coalesce(sum(total_cents), 0) from public.orders where status = 'paid' and customer_id <> '%2$s'
        and created_at >= n.at - interval '30 days' and created_at < n.at) as revenue,
     (select count(*) from public.orders where status = 'paid' and customer_id <> '%2$s'
        and created_at >= n.at - interval '30 days' and created_at < n.at) as orders,
     (select coalesce(sum(item_count), 0) from public.orders where status = 'paid' and customer_id <> '%2$s'
        and created_at >= n.at - interval '30 days' and created_at < n.at) as items,
     (select count(*) from public.tickets where customer_id <> '%2$s' and created_at > n.at - interval '24 hours') as new_24h,
     (select count(*) from public.tickets where customer_id <> '%2$s' and status not in ('closed', 'cancelled')) as active,
     (select count(*) from public.tickets where customer_id <> '%2$s' and status = 'open') as open,
     (select count(*) from public.tickets where customer_id <> '%2$s' and status = 'closed') as closed) o
$q$, (select cursor from base), 'c8000000-0000-4000-8000-000000000001') as q;

create temporary table samples (
  s jsonb, revenue numeric, orders bigint, items bigint, new_24h bigint, active bigint, open bigint, closed bigint
);

-- The writer starts; the reader samples for as long as it runs.
select extensions.dblink_send_query('sync_writer', $w$
  do $d$
  begin
    for i in 1..200 loop
      insert into public.tickets (id, customer_id, device, issue)
      values (md5('sync8-t-' || i)::uuid, 'c8000000-0000-4000-8000-000000000001', 'Phone', 'Concurrent ' || i);
      if i % 3 = 0 then
        update public.tickets set status = 'closed' where id = md5('sync8-t-' || (i - 1))::uuid;
      end if;
      insert into public.orders (id, customer_id, status)
      values (md5('sync8-o-' || i)::uuid, 'c8000000-0000-4000-8000-000000000001', 'paid');
      insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
      values (md5('sync8-o-' || i)::uuid, 'd8000000-0000-4000-8000-000000000001', 1 + i % 3, 1000);
      commit;
      perform pg_sleep(0.001);
    end loop;
  end
  $d$
$w$);

do $$
begin
  while extensions.dblink_is_busy('sync_writer') = 1 loop
    insert into samples
    select t.s::jsonb, t.revenue, t.orders, t.items, t.new_24h, t.active, t.open, t.closed
      from extensions.dblink('sync_reader', (select q from reader_sql))
           as t(s text, revenue numeric, orders bigint, items bigint, new_24h bigint, active bigint, open bigint, closed bigint);
  end loop;
end;
$$;

-- 1 the writer's 200 transactions all committed
select is((select count(*)::int from extensions.dblink_get_result('sync_writer') as t(r text)), 1,
  'the writer ran to the end');

create temporary table checked as
select s.*, f.*,
       (s.s ->> 'cursor')::bigint as cursor
  from samples s
  cross join lateral (
    select count(*) filter (where e ->> 'kind' = 'ticket_created') as created,
           count(*) filter (where e ->> 'kind' = 'ticket_status_changed' and e #>> '{summary,new_status}' = 'closed') as closings,
           count(*) filter (where e ->> 'kind' = 'order_placed') as placed,
           coalesce(sum((e #>> '{summary,total_cents}')::bigint) filter (where e ->> 'kind' = 'order_placed'), 0) as placed_cents,
           coalesce(sum((e #>> '{summary,item_count}')::bigint) filter (where e ->> 'kind' = 'order_placed'), 0) as placed_items,
           max((e ->> 'id')::bigint) as newest
      from jsonb_array_elements(s.s -> 'feed') e) f;

-- 2-3 the samples really interleaved with the commits
select cmp_ok((select count(*)::int from checked), '>=', 10, 'the reader took samples while the writer ran');
select cmp_ok((select count(distinct cursor)::int from checked), '>=', 3, 'and saw the cursor move between them');

-- 4-10 every sample agrees with itself
select is((select count(*)::int from checked where cursor <> coalesce(newest, (select cursor from base))
                                              or (s #>> '{kpis,cursor}')::bigint <> cursor
                                              or not (s -> 'feed_complete')::boolean),
  0, 'cursor and kpis.cursor are the newest row of the sample''s own feed');
select is((select count(*)::int from checked where (s #>> '{kpis,total_revenue_cents}')::numeric <> revenue + placed_cents),
  0, 'revenue = the other orders + the orders in the feed');
select is((select count(*)::int from checked where (s #>> '{kpis,orders_count}')::bigint <> orders + placed
                                              or (s #>> '{kpis,products_sold}')::bigint <> items + placed_items),
  0, 'orders and products sold = the other orders + the orders in the feed');
select is((select count(*)::int from checked where (s #>> '{kpis,new_tickets_24h}')::bigint <> new_24h + created),
  0, 'new tickets = the other tickets + the tickets created in the feed');
select is((select count(*)::int from checked where (s #>> '{kpis,active_repairs}')::bigint <> active + created - closings),
  0, 'active repairs = the other active tickets + created - closed in the feed');
select is((select count(*)::int from checked
            where (select (e ->> 'count')::bigint from jsonb_array_elements(s -> 'ticket_status') e where e ->> 'status' = 'open')
                  <> open + created - closings
               or (select (e ->> 'count')::bigint from jsonb_array_elements(s -> 'ticket_status') e where e ->> 'status' = 'closed')
                  <> closed + closings),
  0, 'ticket_status agrees with the feed');
select is((select count(*)::int from checked
            where (select sum((e ->> 'count')::bigint) from jsonb_array_elements(s #> '{ticket_aging,active}') e)
                  <> (s #>> '{kpis,active_repairs}')::bigint),
  0, 'ticket_aging agrees with the KPIs');

-- Clean up what the writer committed.
select extensions.dblink_exec('sync_setup', data) from cleanup_sql;
select extensions.dblink_exec('sync_setup', activity) from cleanup_sql;
select extensions.dblink_disconnect(name) from unnest(array['sync_setup', 'sync_writer', 'sync_reader']) name;

select * from finish();
rollback;

-- activity_feed finds a filtered page in two steps (the newest 3,000 rows, then a walk or the
-- indexes, see the migration). Enough rows here for every path: matches dense among the newest
-- rows (walk), sparse (trigram index), only in the oldest rows, a type whose rows are all old
-- (type index), ticket statuses only in older rows. Property: for seeded random arguments and
-- both roles, the answer equals the plain query over activity_log under RLS.
begin;
select plan(6);

truncate public.order_items, public.orders, public.tickets, public.customers, public.products,
  public.activity_log, public.sales_hourly;

insert into auth.users (id, email, aud, role) values
  ('b1200000-0000-4000-8000-000000000001', 'paths.admin@example.com', 'authenticated', 'authenticated'),
  ('b1200000-0000-4000-8000-000000000002', 'paths.support@example.com', 'authenticated', 'authenticated');
insert into public.profiles (id, display_name, role) values
  ('b1200000-0000-4000-8000-000000000001', 'Paths Admin', 'admin'),
  ('b1200000-0000-4000-8000-000000000002', 'Paths Support', 'support');

-- Oldest first: products, then 500 closed tickets' customers, ..., newest: open tickets.
insert into public.products (sku, name, price_cents)
select 'WID-' || p, 'Widget ' || p, 100 * p from generate_series(1, 50) p;
insert into public.customers (id, full_name, email)
select md5('path-c' || i)::uuid,
       case when i <= 20 then 'Oldie Person' when i % 10 = 0 then 'Dense Name' when i % 500 = 7 then 'Sparse Mid'
            else 'Filler ' || i end,
       'path' || i || '@example.com'
  from generate_series(1, 6000) i;
insert into public.tickets (customer_id, device, issue, status, priority)
select md5('path-c' || (1 + (k * 37) % 6000))::uuid, (array['iPhone 13', 'Pixel 8', 'Galaxy'])[1 + k % 3], 'Issue ' || k,
       'closed', (array['low', 'normal', 'high', 'urgent'])[1 + k % 4]
  from generate_series(1, 500) k;
insert into public.orders (customer_id, status)
select md5('path-c' || (10 * (1 + k % 600)))::uuid, 'paid' from generate_series(1, 1500) k;
insert into public.tickets (customer_id, device, issue, status, priority)
select md5('path-c' || (1 + (k * 53) % 6000))::uuid, (array['iPhone 13', 'Pixel 8', 'Galaxy'])[1 + k % 3], 'Issue ' || k,
       (array['open', 'in_progress'])[1 + k % 2], (array['low', 'normal', 'high', 'urgent'])[1 + k % 4]
  from generate_series(1, 1000) k;

set constraints all immediate;  -- number the activity rows as a commit would

-- 1
select cmp_ok((select count(*)::int from public.activity_log), '>', 9000, 'more rows than the first window holds');

create temporary table path_mismatches (role text, args text, got bigint[], want bigint[]) on commit drop;
grant insert, select on path_mismatches to authenticated;

-- Seeded random calls, compared with the plain query under RLS (which is the role rule itself).
create function pg_temp.check_paths(p_user uuid, p_calls int, p_seed float8) returns void language plpgsql as $$
declare
  v_queries text[] := array['dense', 'dense name', 'name', 'oldie', 'oldie person', 'sparse mid', 'filler 12', 'widget',
                            'widget 4', 'iphone', 'pixel 8', 'galaxy', 'person', 'zzz-none', null, null];
  v_types text[] := array['ticket', 'order', 'customer', 'product', 'customer,product', 'ticket,order'];
  v_statuses text[] := array['open', 'in_progress', 'closed'];
  v_q text; v_t text[]; v_s text[]; v_before bigint; v_after bigint; v_limit int; v_max bigint;
  v_got bigint[]; v_want bigint[]; v_patterns text[];
begin
  perform setseed(p_seed);
  perform set_config('request.jwt.claims', json_build_object('sub', p_user, 'role', 'authenticated')::text, true);
  execute 'set local role authenticated';
  select max(a.id) into v_max from public.activity_log a;
  for n in 1 .. p_calls loop
    v_q := v_queries[1 + floor(random() * cardinality(v_queries))::int];
    v_t := case when random() < 0.4 then string_to_array(v_types[1 + floor(random() * 6)::int], ',') end;
    v_s := case when random() < 0.3 then array[v_statuses[1 + floor(random() * 3)::int]] end;
    v_before := case when random() < 0.4 then 1 + floor(random() * v_max)::bigint end;
    v_after := case when v_before is null and random() < 0.2 then floor(random() * v_max)::bigint end;
    v_limit := 1 + floor(random() * 60)::int;
    v_patterns := array(select case when length(w) < 3 then '% ' else '%' end || w || '%'
                          from regexp_split_to_table(coalesce(v_q, ''), ' ') w where w <> '');

    v_got := array(select f.id from public.activity_feed(v_limit, v_after, v_before, v_q, v_t, v_s) f);
    v_want := array(
      select a.id from public.activity_log a
       where (v_before is null or a.id < v_before) and (v_after is null or a.id > v_after)
         and (v_t is null or a.entity_type = any (v_t))
         and (v_s is null or (a.entity_type = 'ticket'
                              and exists (select 1 from public.tickets t where t.id = a.entity_id and t.status = any (v_s))))
         and a.search_text like all (v_patterns)
       order by case when v_after is null then -a.id else a.id end
       limit v_limit);
    if v_got is distinct from v_want then
      insert into path_mismatches values (p_user::text,
        format('limit %s after %s before %s q %L types %s status %s', v_limit, v_after, v_before, v_q, v_t, v_s), v_got, v_want);
    end if;
  end loop;
  execute 'reset role';
end;
$$;

-- 2-3 known shapes: a dense name, a sparse one, a type whose rows are all old
select set_config('request.jwt.claims', '{"sub":"b1200000-0000-4000-8000-000000000001","role":"authenticated"}', true);
set local role authenticated;
select results_eq($$select id from activity_feed(50, p_query => 'Sparse Mid')$$,
  $$select id from public.activity_log where search_text like '%sparse mid%' order by id desc limit 50$$,
  'sparse matches: all of them, newest first');
select results_eq($$select id from activity_feed(50, p_types => array['product'])$$,
  $$select id from public.activity_log where entity_type = 'product' order by id desc limit 50$$,
  'a type whose rows are all older than the first window');
reset role;

-- 4-6 the property, for both roles
select pg_temp.check_paths('b1200000-0000-4000-8000-000000000001', 250, 0.11);
select is((select count(*)::int from path_mismatches where role = 'b1200000-0000-4000-8000-000000000001'), 0,
  'admin: 250 random calls equal the plain query');
select pg_temp.check_paths('b1200000-0000-4000-8000-000000000002', 250, 0.23);
select is((select count(*)::int from path_mismatches where role = 'b1200000-0000-4000-8000-000000000002'), 0,
  'support: 250 random calls equal the plain query under RLS (no order rows)');
select is((select coalesce(string_agg(args || ' got ' || coalesce(got::text, '{}') || ' want ' || coalesce(want::text, '{}'), E'\n'), '')
             from (select * from path_mismatches limit 3) m), '', 'no mismatch (first three shown)');

select * from finish();
rollback;

-- The ticket counters equal a recount after seeded random inserts (one or several rows per
-- statement), status changes, reopenings, moved dates, bulk updates and deletes: the one-row
-- path of the trigger and the set-based one. State columns are recounted from public.tickets; the
-- active-repairs history is recounted from an oracle: this test's own record of what each step
-- did, by the rule "active from created_at until closed; a reopening is active again from that
-- moment; a deleted active ticket stops being active at that moment".
begin;
select plan(17);

truncate public.tickets;  -- the TRUNCATE trigger empties the counters too

-- 1
select is((select count(*)::int from private.ticket_counts) + (select count(*)::int from private.ticket_moments)
          + (select count(*)::int from private.ticket_hourly), 0, 'TRUNCATE of tickets empties every counter');

insert into public.customers (id, full_name, email) values
  ('c7000000-0000-4000-8000-000000000001', 'Cole Counter', 'cole.counter@example.com');

create temporary table oracle (at timestamptz not null, delta int not null);

do $$
declare
  v_done text[] := array['closed', 'cancelled'];
  v_statuses text[] := array['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'];
  v_priorities text[] := array['low', 'normal', 'high', 'urgent'];
  v_op float8;
  v_t record;
  v_status text;
  v_created timestamptz;
  v_closed timestamptz;
  v_n int;
begin
  perform setseed(0.4242);
  for step in 1..600 loop
    v_op := random();
    select * into v_t from public.tickets order by random() limit 1;
    if v_op < 0.35 or v_t is null then
      -- insert one to three tickets in one statement, some with history (closed at a past moment)
      with ins as (
        insert into public.tickets (customer_id, device, issue, status, priority, created_at, closed_at)
        select 'c7000000-0000-4000-8000-000000000001', 'Phone', 'Step ' || step, x.status, x.priority, x.created_at,
               case when x.status = any(v_done) then x.created_at + random() * (now() - x.created_at) end
          from (select v_statuses[1 + floor(random() * 6)::int] as status, v_priorities[1 + floor(random() * 4)::int] as priority,
                       now() - random() * interval '80 hours'
                         - (case when random() < 0.1 then interval '40 days' else interval '0' end) as created_at
                  from generate_series(1, 1 + floor(random() * 3)::int)) x
        returning created_at, closed_at
      )
      insert into oracle select created_at, 1 from ins union all select closed_at, -1 from ins where closed_at is not null;
    elsif v_op < 0.65 then
      -- a status change: closing, reopening, or moving within active / done
      v_status := v_statuses[1 + floor(random() * 6)::int];
      if v_status <> v_t.status then
        update public.tickets set status = v_status where id = v_t.id;
        if not v_t.status = any(v_done) and v_status = any(v_done) then
          insert into oracle values (now(), -1);
        elsif v_t.status = any(v_done) and not v_status = any(v_done) then
          insert into oracle values (now(), 1);
        end if;
      end if;
    elsif v_op < 0.72 then
      -- a closing moved back in time (closed_at edited on a done ticket)
      select * into v_t from public.tickets where status = any(v_done) order by random() limit 1;
      if v_t is not null then
        v_closed := v_t.created_at + random() * (now() - v_t.created_at);
        update public.tickets set closed_at = v_closed where id = v_t.id;
        insert into oracle values (v_t.closed_at, 1), (v_closed, -1);
      end if;
    elsif v_op < 0.77 then
      -- created_at corrected
      v_created := least(coalesce(v_t.closed_at, now()), v_t.created_at + (random() - 0.5) * interval '10 hours');
      update public.tickets set created_at = v_created where id = v_t.id;
      insert into oracle values (v_t.created_at, -1), (v_created, 1);
    elsif v_op < 0.82 then
      update public.tickets set priority = v_priorities[1 + floor(random() * 4)::int] where id = v_t.id;
    elsif v_op < 0.86 then
      -- one bulk update closes a share of the active tickets
      with closed as (
        update public.tickets set status = 'closed'
         where status in ('open', 'in_progress') and number % 3 = step % 3 returning 1)
      select count(*) into v_n from closed;
      insert into oracle select now(), -1 from generate_series(1, v_n);
    elsif v_op < 0.88 then
      -- a bulk delete
      with gone as (delete from public.tickets where number % 13 = step % 13 returning status)
      insert into oracle select now(), -1 from gone where not status = any(v_done);
    else
      delete from public.tickets where id = v_t.id;
      if not v_t.status = any(v_done) then
        insert into oracle values (now(), -1);
      end if;
    end if;
  end loop;
end;
$$;

-- 2-6 state columns equal a recount of the tickets table
select is(
  (select count(*)::int from (select status, priority, count(*) as n from public.tickets group by 1, 2) r
     full join (select status, priority, sum(tickets) as n from private.ticket_counts group by 1, 2 having sum(tickets) <> 0) c
       using (status, priority)
    where r.n is distinct from c.n),
  0, 'ticket_counts equals the tickets grouped by status and priority');
select is(
  (select count(*)::int from (select created_at as at, count(*) as n from public.tickets group by 1) r
     full join (select at, sum(opened) as n from private.ticket_moments group by 1 having sum(opened) <> 0) m using (at)
    where r.n is distinct from m.n),
  0, 'opened per moment equals the tickets by created_at');
select is(
  (select count(*)::int from (select closed_at as at, count(*) filter (where status = 'closed') as closed,
                                     count(*) filter (where status = 'cancelled') as cancelled
                                from public.tickets where closed_at is not null group by 1) r
     full join (select at, sum(closed) as closed, sum(cancelled) as cancelled from private.ticket_moments group by 1
                having sum(closed) <> 0 or sum(cancelled) <> 0) m using (at)
    where coalesce(r.closed, 0) <> coalesce(m.closed, 0) or coalesce(r.cancelled, 0) <> coalesce(m.cancelled, 0)),
  0, 'closed and cancelled per moment equal the done tickets by closed_at');
select is(
  (select count(*)::int from (select date_trunc('hour', at, 'UTC') as bucket, sum(opened) as o, sum(activated) as a,
                                     sum(closed) as c, sum(cancelled) as x from private.ticket_moments group by 1) m
     full join (select bucket, sum(opened) as o, sum(activated) as a, sum(closed) as c, sum(cancelled) as x
                  from private.ticket_hourly group by 1) h using (bucket)
    where coalesce(m.o, 0) <> coalesce(h.o, 0) or coalesce(m.a, 0) <> coalesce(h.a, 0)
       or coalesce(m.c, 0) <> coalesce(h.c, 0) or coalesce(m.x, 0) <> coalesce(h.x, 0)),
  0, 'ticket_hourly equals ticket_moments by UTC hour');
select is((select sum(activated)::int from private.ticket_moments),
  (select count(*)::int from public.tickets where status not in ('closed', 'cancelled')),
  'the activations over all time add up to the tickets active now');

-- 7-8 history equals the oracle
select is(
  (select count(*)::int from (select at, sum(delta) as n from oracle group by 1 having sum(delta) <> 0) o
     full join (select at, sum(activated) as n from private.ticket_moments group by 1 having sum(activated) <> 0) m using (at)
    where o.n is distinct from m.n),
  0, 'activations per moment equal the oracle''s');
select is(
  (select count(*)::int from (
     select t.at, private.active_repairs_at(t.at) as counted,
            (select coalesce(sum(o.delta), 0)::int from oracle o where o.at <= t.at) as expected
       from (select now() - random() * interval '90 hours' as at from generate_series(1, 60)
             union all select date_trunc('hour', now() - g * interval '1 hour') from generate_series(0, 30) g
             union all select at from oracle
             union all select now() - interval '24 hours') t) x
    where x.counted <> x.expected),
  0, 'repairs active at any moment (random, on the hour, on an event) equal the oracle');

-- 9-12 windows equal a recount at every edge
select is(
  (select count(*)::int from (
     select w.a, w.b, (select opened from private.ticket_window(w.a, w.b)) as counted,
            (select count(*) from public.tickets t where t.created_at > w.a and t.created_at <= w.b) as expected
       from (select least(x, y) as a, greatest(x, y) as b
               from (select now() - random() * interval '90 hours' as x, now() - random() * interval '90 hours' as y
                       from generate_series(1, 80)) r
             union all select created_at, created_at + interval '1 hour' from public.tickets
             union all select created_at - interval '2 hours', created_at from public.tickets) w) x
    where x.counted <> x.expected),
  0, 'opened in (a, b] equals a recount for random windows and windows ending or starting on a ticket');
select is((dashboard_kpis_as_admin.k ->> 'new_tickets_24h')::int,
  (select count(*)::int from public.tickets where created_at > now() - interval '24 hours'),
  'new_tickets_24h equals a recount')
  from (select null) z
  cross join lateral (select private.kpis('admin', now() - interval '30 days', now(), 0, now()) as k) dashboard_kpis_as_admin;
select is((private.kpis('admin', now() - interval '30 days', now(), 0, now()) #>> '{previous,new_tickets_24h}')::int,
  (select count(*)::int from public.tickets where created_at > now() - interval '48 hours'
                                             and created_at <= now() - interval '24 hours'),
  'previous new_tickets_24h equals a recount');
select is(private.ticket_aging_json(now()) -> 'done_30d',
  (select jsonb_build_object('closed', count(*) filter (where status = 'closed'),
                             'cancelled', count(*) filter (where status = 'cancelled'))
     from public.tickets where closed_at > now() - interval '30 days'),
  'done_30d equals a recount');

-- 13-14 KPIs against the oracle
select is((private.kpis('admin', now() - interval '30 days', now(), 0, now()) ->> 'active_repairs')::int,
  (select coalesce(sum(delta), 0)::int from oracle where at <= now()), 'active_repairs equals the oracle');
select is((private.kpis('admin', now() - interval '30 days', now(), 0, now()) #>> '{previous,active_repairs}')::int,
  (select coalesce(sum(delta), 0)::int from oracle where at <= now() - interval '24 hours'),
  'active repairs 24 h ago equal the oracle');

-- 15-17 closed then, reopened now: still not active then
create temporary table before_insert as select private.active_repairs_at(now() - interval '60 hours') as n;
insert into public.tickets (id, customer_id, device, issue, status, created_at, closed_at) values
  ('a7000000-0000-4000-8000-000000000001', 'c7000000-0000-4000-8000-000000000001', 'Laptop', 'Reopened', 'closed',
   now() - interval '3 days', now() - interval '2 days');
create temporary table before_reopen as
  select private.kpis('admin', now() - interval '30 days', now(), 0, now()) as k;
update public.tickets set status = 'in_progress' where id = 'a7000000-0000-4000-8000-000000000001';
select is((private.kpis('admin', now() - interval '30 days', now(), 0, now()) ->> 'active_repairs')::int,
  (select (k ->> 'active_repairs')::int + 1 from before_reopen), 'a reopened ticket is active now');
select is((private.kpis('admin', now() - interval '30 days', now(), 0, now()) #>> '{previous,active_repairs}')::int,
  (select (k #>> '{previous,active_repairs}')::int from before_reopen),
  'but was not active 24 h ago, when it was closed');
select is(private.active_repairs_at(now() - interval '60 hours'), (select n + 1 from before_insert),
  'and it still counts as active in its first life, before it was closed');

select * from finish();
rollback;

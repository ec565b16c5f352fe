-- Demo data: two staff logins, ~200 customers, 60 products, 90 days of orders and repair
-- tickets ending now. Deterministic: every choice comes from md5 of a fixed key, times are
-- relative to now(). One transaction, so the activity log numbers the history by time.
-- h(key) below = ('x' || left(md5(key), 8))::bit(32)::bigint, a stable hash in 0..2^32-1.

begin;

-- Staff: admin@example.com / support@example.com, password "password123" ----------------------
insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  confirmation_token, recovery_token, email_change_token_new, email_change
)
select '00000000-0000-0000-0000-000000000000', s.id, 'authenticated', 'authenticated', s.email,
       extensions.crypt('password123', extensions.gen_salt('bf')), now(),
       '{"provider":"email","providers":["email"]}', jsonb_build_object('display_name', s.display_name),
       now(), now(), '', '', '', ''
  from (values
    ('a0000000-0000-4000-8000-000000000001'::uuid, 'admin@example.com', 'Alex Admin'),
    ('a0000000-0000-4000-8000-000000000002'::uuid, 'support@example.com', 'Sam Support')
  ) as s(id, email, display_name);

insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
       'email', now(), now(), now()
  from auth.users u
 where u.email in ('admin@example.com', 'support@example.com');

insert into public.profiles (id, display_name, role) values
  ('a0000000-0000-4000-8000-000000000001', 'Alex Admin', 'admin'),
  ('a0000000-0000-4000-8000-000000000002', 'Sam Support', 'support');

-- Customers: 180 long-standing, 20 registered in the last 10 days ------------------------------
insert into public.customers (id, full_name, email, phone, created_at, updated_at)
select md5('customer-' || i)::uuid,
       f.first || ' ' || l.last,
       lower(f.first || '.' || l.last || i || '@example.com'),
       '+1 555 ' || lpad((('x' || left(md5('phone-' || i), 8))::bit(32)::bigint % 10000000)::text, 7, '0'),
       c.created_at, c.created_at
  from generate_series(1, 200) i
  cross join lateral (select (array['Ava','Ben','Chloe','Daniel','Emma','Finn','Grace','Hugo','Isla','Jack',
                                    'Kai','Lena','Mia','Noah','Olivia','Priya','Quinn','Ravi','Sofia','Theo',
                                    'Uma','Victor','Wren','Yusuf','Zoe'])[1 + (('x' || left(md5('first-' || i), 8))::bit(32)::bigint % 25)::int] as first) f
  cross join lateral (select (array['Anders','Brown','Chen','Diaz','Evans','Fischer','Garcia','Hughes','Ito',
                                    'Jones','Kowalski','Lopez','Martin','Nguyen','Okafor','Patel','Rossi',
                                    'Smith','Tanaka','Weber'])[1 + (('x' || left(md5('last-' || i), 8))::bit(32)::bigint % 20)::int] as last) l
  cross join lateral (select case when i <= 180
           then now() - interval '100 days' - (('x' || left(md5('cust-age-' || i), 8))::bit(32)::bigint % (300 * 86400)) * interval '1 second'
           else now() - (('x' || left(md5('cust-age-' || i), 8))::bit(32)::bigint % (10 * 86400)) * interval '1 second'
         end as created_at) c;

-- Products: 12 kinds x 5 lines = 60 ---------------------------------------------------------------
insert into public.products (id, sku, name, price_cents, stock, active, created_at, updated_at)
select md5('product-' || k.code || '-' || b.code)::uuid,
       k.code || '-' || b.code,
       b.name || ' ' || k.name,
       k.base_cents + (('x' || left(md5('price-' || k.code || b.code), 8))::bit(32)::bigint % (k.base_cents / 2))::int / 100 * 100 + 99,
       (('x' || left(md5('stock-' || k.code || b.code), 8))::bit(32)::bigint % 120)::int,
       b.code <> 'LEG' or k.code <> 'CASE',
       now() - interval '400 days', now() - interval '400 days'
  from (values ('SCR', 'screen replacement', 8900), ('BAT', 'battery', 4900), ('CHG', 'fast charger', 2500),
               ('CBL', 'USB-C cable', 1200), ('CASE', 'protective case', 1900), ('GLS', 'tempered glass', 1500),
               ('EAR', 'earbuds', 5900), ('PWR', 'power bank', 3900), ('CAM', 'camera module', 6900),
               ('PORT', 'charging port repair', 4500), ('SPK', 'speaker module', 3500), ('KEY', 'laptop keyboard', 7900)
       ) as k(code, name, base_cents)
  cross join (values ('APL', 'Apex'), ('NOV', 'Nova'), ('ORB', 'Orbit'), ('PXL', 'Pixelline'), ('LEG', 'Legacy'))
       as b(code, name);

-- Orders: 90 days, 20-39 a day, with 1-4 items each -------------------------------------------
create temporary table seed_orders on commit drop as
select md5('order-' || d || '-' || n)::uuid as id,
       d, n,
       md5('customer-' || (1 + ('x' || left(md5('order-customer-' || d || '-' || n), 8))::bit(32)::bigint % 180))::uuid as customer_id,
       now() - d * interval '1 day'
             - (('x' || left(md5('order-time-' || d || '-' || n), 8))::bit(32)::bigint % 86400) * interval '1 second'
         as created_at,
       ('x' || left(md5('order-status-' || d || '-' || n), 8))::bit(32)::bigint % 100 as roll
  from generate_series(0, 89) d
  cross join lateral generate_series(1, 20 + (('x' || left(md5('orders-per-day-' || d), 8))::bit(32)::bigint % 20)::int) n;

insert into public.orders (id, customer_id, status, created_at, updated_at)
select o.id, o.customer_id,
       case when o.created_at > now() - interval '6 hours' and o.roll < 40 then 'pending'
            when o.roll < 82 then 'paid'
            when o.roll < 87 then 'pending'
            when o.roll < 93 then 'cancelled'
            else 'refunded' end,
       o.created_at, o.created_at
  from seed_orders o
 order by o.created_at;

insert into public.order_items (order_id, product_id, quantity, unit_price_cents, created_at)
select o.id, p.id,
       1 + (('x' || left(md5('qty-' || o.id || '-' || j), 8))::bit(32)::bigint % 3)::int,
       p.price_cents, o.created_at
  from seed_orders o
  cross join lateral generate_series(1, 1 + (('x' || left(md5('lines-' || o.id), 8))::bit(32)::bigint % 4)::int) j
  join lateral (select pr.id, pr.price_cents from public.products pr
                 order by md5(pr.sku || o.id || j) limit 1) p on true;

-- Repair tickets: 90 days, 6-15 a day; older ones mostly done -----------------------------------
insert into public.tickets (id, customer_id, device, issue, status, priority, assigned_to, closed_at,
                            created_at, updated_at)
select t.id, t.customer_id, t.device, t.issue, t.status, t.priority, t.assigned_to,
       case when t.status in ('closed', 'cancelled')
            then least(now(), t.created_at + (2 + t.roll % 70) * interval '1 hour') end,
       t.created_at, t.created_at
  from (
    select md5('ticket-' || d || '-' || n)::uuid as id,
           md5('customer-' || (1 + ('x' || left(md5('ticket-customer-' || d || '-' || n), 8))::bit(32)::bigint % 200))::uuid
             as customer_id,
           (array['iPhone 13','iPhone 15 Pro','Galaxy S23','Pixel 8','MacBook Air M2','ThinkPad X1','iPad 10',
                  'Galaxy Tab S9','Surface Pro 9','Switch OLED'])[1 + (('x' || left(md5('device-' || d || '-' || n), 8))::bit(32)::bigint % 10)::int]
             as device,
           (array['Cracked screen','Battery drains fast','Does not charge','No sound from speaker','Water damage',
                  'Camera is blurry','Keyboard keys stuck','Will not power on','Wi-Fi keeps dropping',
                  'Overheats while charging'])[1 + (('x' || left(md5('issue-' || d || '-' || n), 8))::bit(32)::bigint % 10)::int]
             as issue,
           case when d >= 5 then (case when r.roll % 10 = 0 then 'cancelled' else 'closed' end)
                when d >= 2 then (array['in_progress','waiting_parts','ready','closed','closed'])[1 + (r.roll % 5)::int]
                else (array['open','open','in_progress','waiting_parts','ready'])[1 + (r.roll % 5)::int] end
             as status,
           (array['low','normal','normal','normal','high','urgent'])[1 + (r.roll / 7 % 6)::int] as priority,
           case r.roll % 3 when 0 then 'a0000000-0000-4000-8000-000000000002'::uuid
                           when 1 then 'a0000000-0000-4000-8000-000000000001'::uuid end as assigned_to,
           now() - d * interval '1 day'
                 - (('x' || left(md5('ticket-time-' || d || '-' || n), 8))::bit(32)::bigint % 86400) * interval '1 second'
             as created_at,
           r.roll
      from generate_series(0, 89) d
      cross join lateral generate_series(1, 6 + (('x' || left(md5('tickets-per-day-' || d), 8))::bit(32)::bigint % 10)::int) n
      cross join lateral (select ('x' || left(md5('ticket-roll-' || d || '-' || n), 8))::bit(32)::bigint as roll) r
  ) t
 order by t.created_at;

commit;

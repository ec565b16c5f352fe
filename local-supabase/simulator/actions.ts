import type { Queryable } from '../db/types.ts';
import { DEVICE_ISSUES, pick, randomCustomer, TICKET_NEXT } from './data.ts';

export type SimEvent =
  | 'customer_registered'
  | 'ticket_opened'
  | 'ticket_moved'
  | 'order_placed'
  | 'order_paid'
  | 'order_refunded'
  | 'order_cancelled'
  | 'product_repriced'
  | 'product_restocked'
  | 'skipped';

// One shop event each, inside the simulator's service_role transaction. false = nothing done
// (nothing to act on, or the queue is short enough that the shop does something else).

const ACTIVE_REPAIRS_TARGET = 30;
const PENDING_ORDERS_TARGET = 10;

/** True with probability queue/target (always when the queue is at or above the target). */
async function busyEnough(tx: Queryable, countSql: string, target: number, random: () => number): Promise<boolean> {
  const { rows } = await tx.query<{ n: number }>(countSql);
  return random() * target < (rows[0]?.n ?? 0);
}

type Action = (tx: Queryable, random: () => number) => Promise<boolean>;

async function recentIds(tx: Queryable, sql: string, params: unknown[] = []): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(sql, params);
  return rows.map((r) => r.id);
}

async function anyCustomer(tx: Queryable, random: () => number): Promise<string | null> {
  const ids = await recentIds(tx, 'select id from public.customers order by created_at desc limit 200');
  return ids.length ? pick(ids, random) : null;
}

export const ACTIONS: Record<Exclude<SimEvent, 'skipped'>, Action> = {
  async customer_registered(tx, random) {
    const c = randomCustomer(random);
    const { rows } = await tx.query('insert into public.customers (full_name, email, phone) values ($1, $2, $3) on conflict (email) do nothing returning id', [
      c.name,
      c.email,
      c.phone,
    ]);
    return rows.length > 0;
  },
  async ticket_opened(tx, random) {
    const customer = await anyCustomer(tx, random);
    if (!customer) return false;
    const [device, issue] = pick(DEVICE_ISSUES, random);
    const priority = pick(['low', 'normal', 'normal', 'normal', 'high', 'urgent'], random);
    await tx.query('insert into public.tickets (customer_id, device, issue, priority) values ($1, $2, $3, $4)', [customer, device, issue, priority]);
    return true;
  },
  async ticket_moved(tx, random) {
    // The bench works oldest first and gets busier with a longer queue, so a long run settles
    // around ACTIVE_REPAIRS_TARGET open repairs instead of piling up or draining.
    if (!(await busyEnough(tx, `select count(*)::int as n from public.tickets where status not in ('closed', 'cancelled')`, ACTIVE_REPAIRS_TARGET, random))) {
      return false;
    }
    const { rows } = await tx.query<{ id: string; status: string; assigned_to: string | null }>(
      `select id, status, assigned_to from public.tickets where status not in ('closed', 'cancelled') order by created_at asc limit 20`,
    );
    if (!rows.length) return false;
    const t = pick(rows, random);
    const next = pick(TICKET_NEXT[t.status] ?? ['closed'], random);
    const staff = next === 'in_progress' && !t.assigned_to ? await recentIds(tx, 'select id from public.profiles') : [];
    await tx.query('update public.tickets set status = $2, assigned_to = coalesce(assigned_to, $3) where id = $1', [
      t.id,
      next,
      staff.length ? pick(staff, random) : null,
    ]);
    return true;
  },
  async order_placed(tx, random) {
    const customer = await anyCustomer(tx, random);
    const { rows: products } = await tx.query<{ id: string; price_cents: number; stock: number }>(
      'select id, price_cents, stock from public.products where active and stock > 0 limit 200',
    );
    if (!customer || !products.length) return false;
    const status = random() < 0.6 ? 'paid' : 'pending';
    const { rows } = await tx.query<{ id: string }>('insert into public.orders (customer_id) values ($1) returning id', [customer]);
    const orderId = rows[0]?.id;
    const lines = 1 + Math.floor(random() * 3);
    const used = new Set<string>();
    for (let i = 0; i < lines; i++) {
      const p = pick(products, random);
      if (used.has(p.id)) continue;
      used.add(p.id);
      const qty = Math.min(p.stock, 1 + Math.floor(random() * 2));
      await tx.query('insert into public.order_items (order_id, product_id, quantity, unit_price_cents) values ($1, $2, $3, $4)', [orderId, p.id, qty, p.price_cents]);
      await tx.query('update public.products set stock = stock - $2 where id = $1 and stock >= $2', [p.id, qty]);
    }
    if (status === 'paid') await tx.query(`update public.orders set status = 'paid' where id = $1`, [orderId]);
    return true;
  },
  async order_paid(tx, random) {
    return moveOrder(tx, random, 'pending', 'paid');
  },
  async order_refunded(tx, random) {
    return moveOrder(tx, random, 'paid', 'refunded');
  },
  async order_cancelled(tx, random) {
    return moveOrder(tx, random, 'pending', 'cancelled');
  },
  async product_repriced(tx, random) {
    const ids = await recentIds(tx, 'select id from public.products where active limit 200');
    if (!ids.length) return false;
    const factor = 0.9 + random() * 0.2;
    await tx.query('update public.products set price_cents = greatest(100, round(price_cents * $2::float8 / 50) * 50)::int where id = $1', [pick(ids, random), factor]);
    return true;
  },
  async product_restocked(tx, random) {
    const ids = await recentIds(tx, 'select id from public.products where active order by stock asc limit 20');
    if (!ids.length) return false;
    await tx.query('update public.products set stock = stock + $2 where id = $1', [pick(ids, random), 5 + Math.floor(random() * 20)]);
    return true;
  },
};

async function moveOrder(tx: Queryable, random: () => number, from: string, to: string): Promise<boolean> {
  if (from === 'pending' && !(await busyEnough(tx, `select count(*)::int as n from public.orders where status = 'pending'`, PENDING_ORDERS_TARGET, random))) {
    return false;
  }
  const ids = await recentIds(tx, 'select id from public.orders where status = $1 order by created_at desc limit 50', [from]);
  if (!ids.length) return false;
  await tx.query('update public.orders set status = $2 where id = $1', [pick(ids, random), to]);
  return true;
}

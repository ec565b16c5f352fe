import type { Db, Queryable } from './db.ts';
import { isDbError } from './db.ts';
import { pick, randomCustomer, TICKET_NEXT } from './simulator-data.ts';

export interface SimulatorOptions {
  db: Db;
  /** Events per minute (a few by default; thousands for load tests). */
  ratePerMin: number;
  log?: (msg: string) => void;
  random?: () => number;
}

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

export interface Simulator {
  /** Runs one event now (tests and benches call it directly). */
  step(): Promise<SimEvent>;
  stats(): { events: number; errors: number };
  stop(): Promise<void>;
}

const WEIGHTS: [Exclude<SimEvent, 'skipped'>, number][] = [
  ['customer_registered', 10],
  ['ticket_opened', 18],
  ['ticket_moved', 25],
  ['order_placed', 20],
  ['order_paid', 12],
  ['order_refunded', 3],
  ['order_cancelled', 2],
  ['product_repriced', 4],
  ['product_restocked', 6],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((s, [, w]) => s + w, 0);
const TICK_MS = 100;
const MAX_BACKLOG = 1000;

/** Shop activity written as service_role through the database, so Realtime carries it like any change. */
export function startSimulator(opts: SimulatorOptions): Simulator {
  const random = opts.random ?? Math.random;
  const log = opts.log ?? (() => undefined);
  let events = 0;
  let errors = 0;
  let stopped = false;
  let credit = 0;
  let last = Date.now();
  let running: Promise<void> = Promise.resolve();

  async function step(): Promise<SimEvent> {
    let roll = random() * TOTAL_WEIGHT;
    const kind = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'ticket_moved';
    try {
      const done = await opts.db.transaction(async (tx) => {
        await tx.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`);
        return ACTIONS[kind](tx, random);
      });
      events++;
      return done ? kind : 'skipped';
    } catch (err) {
      errors++;
      // Unique clashes or races with the dashboard are normal; anything else is worth a line.
      if (!isDbError(err) || !['23505', '40001', '40P01'].includes(err.code)) log(`simulator: ${kind} failed: ${String(err)}`);
      return 'skipped';
    }
  }

  const timer = setInterval(() => {
    const now = Date.now();
    credit = Math.min(MAX_BACKLOG, credit + ((now - last) / 60_000) * opts.ratePerMin);
    last = now;
    if (credit < 1) return;
    const n = Math.floor(credit);
    credit -= n;
    running = running.then(async () => {
      for (let i = 0; i < n && !stopped; i++) await step();
    });
  }, TICK_MS);
  timer.unref();

  return {
    step,
    stats: () => ({ events, errors }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
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

const ACTIONS: Record<Exclude<SimEvent, 'skipped'>, Action> = {
  async customer_registered(tx, random) {
    const c = randomCustomer(random);
    await tx.query('insert into public.customers (full_name, email, phone) values ($1, $2, $3)', [c.name, c.email, c.phone]);
    return true;
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
    const { rows } = await tx.query<{ id: string; status: string }>(
      `select id, status from public.tickets where status not in ('closed', 'cancelled') order by created_at desc limit 50`,
    );
    if (!rows.length) return false;
    const t = pick(rows, random);
    const next = pick(TICKET_NEXT[t.status] ?? ['closed'], random);
    await tx.query('update public.tickets set status = $2 where id = $1', [t.id, next]);
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
  const ids = await recentIds(tx, 'select id from public.orders where status = $1 order by created_at desc limit 50', [from]);
  if (!ids.length) return false;
  await tx.query('update public.orders set status = $2 where id = $1', [pick(ids, random), to]);
  return true;
}

const DEVICE_ISSUES: [string, string][] = [
  ['iPhone 13', 'Cracked screen after a drop'],
  ['iPhone 14 Pro', 'Battery drains within a few hours'],
  ['Samsung Galaxy S22', 'Does not charge, port looks corroded'],
  ['Pixel 7', 'Camera shows black image'],
  ['MacBook Air M1', 'Keyboard keys sticking after spill'],
  ['ThinkPad T14', 'Fan noise and overheating'],
  ['iPad 9th gen', 'Touch not responding in the lower half'],
  ['Nintendo Switch', 'Joy-Con drift on the left stick'],
  ['Dell XPS 13', 'No display, power LED on'],
  ['Apple Watch Series 7', 'Cracked back glass'],
];

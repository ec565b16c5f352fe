// Mixed writes for bench/broadcast-compare.ts, run inside the stack's process on its own database
// connection (not counted among the stack's queries; their CPU is the stack's, as a write's is).
// One transaction = one change. A lane repeats a 6-transaction cycle on fresh rows, so every
// activity row has its own (kind, entity id):
//   a customer · a product · a ticket for that customer (skewed priority) ·
//   an order with 1-3 items, paid (one transaction: order_placed + order_status_changed) ·
//   the ticket in progress · the product's stock
// Writing straight to the database (not through PostgREST) keeps the writer from being the limit:
// the ramp then finds the rate the live path can deliver, not PostgREST's.
import type { Db, Queryable } from '../../local-supabase/db/types.ts';

export interface Write {
  /** `${kind}:${entity id}` of each activity row the transaction wrote */
  keys: string[];
  /** wall clock (performance.timeOrigin + performance.now()) when the commit returned */
  at: number;
}

export interface WriteRun {
  writes: Write[];
  errors: number;
  firstError: string | null;
  /** ms from the first scheduled write to the last commit */
  elapsedMs: number;
}

const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'normal', 'high', 'urgent'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wall = () => performance.timeOrigin + performance.now();

async function one(q: Queryable, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await q.query<{ id: string }>(sql, params);
  if (!rows[0]) throw new Error(`no row: ${sql.slice(0, 40)}`);
  return rows[0].id;
}

/** the stack's database, uncounted */
export type WriterDb = Pick<Db, 'query' | 'transaction'>;

type Step = () => Promise<string[]>;

/** One lane's cycle: steps sharing the rows they create. */
function cycle(db: WriterDb, tag: string): Step[] {
  let customer = '';
  let product = '';
  let ticket = '';
  const price = 500 + Math.floor(Math.random() * 20_000);
  return [
    async () => {
      customer = await one(db, 'insert into public.customers (full_name, email) values ($1, $2) returning id', [`Bench ${tag}`, `${tag}@bench.example`]);
      return [`customer_registered:${customer}`];
    },
    async () => {
      product = await one(db, 'insert into public.products (sku, name, price_cents, stock) values ($1, $2, $3, 50) returning id', [tag.toUpperCase(), `Bench part ${tag}`, price]);
      return [`product_created:${product}`];
    },
    async () => {
      const priority = PRIORITIES[Math.floor(Math.random() * PRIORITIES.length)];
      ticket = await one(db, `insert into public.tickets (customer_id, device, issue, priority) values ($1, 'Bench phone', $2, $3) returning id`, [customer, `Cracked screen ${tag}`, priority]);
      return [`ticket_created:${ticket}`];
    },
    async () => {
      const order = await db.transaction(async (tx) => {
        const id = await one(tx, 'insert into public.orders (customer_id) values ($1) returning id', [customer]);
        const lines = 1 + Math.floor(Math.random() * 3);
        await tx.query(
          `insert into public.order_items (order_id, product_id, quantity, unit_price_cents)
           select $1, $2, 1 + g % 3, $3 from generate_series(1, $4::int) g`,
          [id, product, price, lines],
        );
        await tx.query(`update public.orders set status = 'paid' where id = $1`, [id]);
        return id;
      });
      return [`order_placed:${order}`, `order_status_changed:${order}`];
    },
    async () => {
      await db.query(`update public.tickets set status = 'in_progress' where id = $1`, [ticket]);
      return [`ticket_status_changed:${ticket}`];
    },
    async () => {
      await db.query('update public.products set stock = $2 where id = $1', [product, Math.floor(Math.random() * 40)]);
      return [`product_updated:${product}`];
    },
  ];
}

let runSeq = 0;

/**
 * Writes at `ratePerSec` for `durationMs`, open loop: each lane keeps its own schedule, writes back
 * to back when it fell behind, and stops at the end whatever it managed (the run reports what it
 * achieved). A lane runs at most 25 changes a second, so 400/s uses 16 lanes at once.
 */
export async function runWrites(db: WriterDb, opts: { ratePerSec: number; durationMs: number }): Promise<WriteRun> {
  const lanes = Math.min(16, Math.max(1, Math.ceil(opts.ratePerSec / 25)));
  const interval = (1000 * lanes) / opts.ratePerSec;
  const run = `b${Date.now().toString(36)}${(runSeq++).toString(36)}`;
  const writes: Write[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const t0 = performance.now() + 5;
  const end = t0 + opts.durationMs;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      let steps: Step[] = [];
      let n = 0;
      for (let k = 0; ; k++) {
        const due = t0 + (lane * interval) / lanes + k * interval;
        if (due >= end || performance.now() >= end) return;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (steps.length === 0) steps = cycle(db, `${run}-${lane}-${n++}`);
        const step = steps.shift()!;
        try {
          const keys = await step();
          writes.push({ keys, at: wall() });
        } catch (err) {
          errors++;
          firstError ??= err instanceof Error ? err.message : String(err);
          steps = []; // the rest of this cycle depends on the failed row
        }
      }
    }),
  );
  const last = writes.reduce((m, w) => Math.max(m, w.at), 0);
  return { writes, errors, firstError, elapsedMs: Math.max(opts.durationMs, last - (performance.timeOrigin + t0)) };
}

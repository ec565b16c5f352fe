import type { Db } from './db.ts';
import { isDbError } from './db.ts';
import { ACTIONS } from './simulator-actions.ts';

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

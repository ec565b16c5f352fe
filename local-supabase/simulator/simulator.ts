import type { Db, Queryable } from '../db/types.ts';
import { isDbError } from '../db/types.ts';
import { ACTIONS, type SimEvent } from './actions.ts';

export type { SimEvent } from './actions.ts';

export interface SimulatorOptions {
  db: Db;
  /** Events per minute (a few by default; thousands for load tests). */
  ratePerMin: number;
  log?: (msg: string) => void;
  random?: () => number;
}

export interface Simulator {
  /** Runs one event now, in its own transaction (tests call it directly). */
  step(): Promise<SimEvent>;
  /** Runs `count` events now, batched into transactions (load tests and benches). */
  burst(count: number): Promise<SimEvent[]>;
  stats(): { events: number; errors: number };
  stop(): Promise<void>;
}

// Per 100 events: ~10 repairs come in and ~10 leave (a repair takes ~3.5 moves), pending orders get
// paid or cancelled about as fast as they are placed, so a long run stays at a steady state.
const WEIGHTS: [Exclude<SimEvent, 'skipped'>, number][] = [
  ['customer_registered', 8],
  ['ticket_opened', 10],
  ['ticket_moved', 35],
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
const BATCH = 25;

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

  function pickKind(): Exclude<SimEvent, 'skipped'> {
    let roll = random() * TOTAL_WEIGHT;
    return WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'ticket_moved';
  }

  function failed(kind: string, err: unknown): void {
    errors++;
    // Unique clashes or races with the dashboard are normal; anything else is worth a line.
    if (!isDbError(err) || !['23505', '40001', '40P01'].includes(err.code)) log(`simulator: ${kind} failed: ${String(err)}`);
  }

  /** The drawn event, or up to two others when it had nothing to do, so the rate stays as set. */
  async function act(tx: Queryable, first: Exclude<SimEvent, 'skipped'>): Promise<SimEvent> {
    for (let attempt = 0, kind = first; attempt < 3; attempt++, kind = pickKind()) {
      if (await ACTIONS[kind](tx, random)) return kind;
    }
    return 'skipped';
  }

  /**
   * `count` events in one transaction as service_role, each in its own savepoint so one failure
   * loses only itself. One event per transaction at demo rates; batches keep load tests fast.
   */
  async function run(count: number): Promise<SimEvent[]> {
    const kinds = Array.from({ length: count }, pickKind);
    const results: SimEvent[] = [];
    try {
      await opts.db.transaction(async (tx) => {
        await tx.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`);
        for (const kind of kinds) {
          if (count > 1) await tx.query('savepoint sim_event');
          try {
            results.push(await act(tx, kind));
            events++;
            if (count > 1) await tx.query('release savepoint sim_event');
          } catch (err) {
            if (count === 1) throw err;
            await tx.query('rollback to savepoint sim_event');
            failed(kind, err);
            results.push('skipped');
          }
        }
      });
    } catch (err) {
      failed(kinds.join(','), err);
      return kinds.map(() => 'skipped');
    }
    return results;
  }

  let busy = false;
  const timer = setInterval(() => {
    const now = Date.now();
    credit = Math.min(MAX_BACKLOG, credit + ((now - last) / 60_000) * opts.ratePerMin);
    last = now;
    // One run at a time: when the database cannot keep up, the backlog is capped instead of queued.
    if (busy || credit < 1) return;
    const n = Math.floor(credit);
    credit -= n;
    busy = true;
    running = (async () => {
      for (let done = 0; done < n && !stopped; done += BATCH) await run(Math.min(BATCH, n - done));
    })().finally(() => {
      busy = false;
    });
  }, TICK_MS);
  timer.unref();

  return {
    step: async () => (await run(1))[0] ?? 'skipped',
    async burst(count) {
      const out: SimEvent[] = [];
      for (let done = 0; done < count; done += BATCH) out.push(...(await run(Math.min(BATCH, count - done))));
      return out;
    },
    stats: () => ({ events, errors }),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

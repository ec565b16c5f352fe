import type { ChangeClock, ClockPosition, ClockTable, TouchedEntities, TouchedIds } from './types';

/**
 * Which entities the changes the engine has heard of touched, as a clock a reader can ask "what
 * changed since I last looked?" (`touchedSince`), however many changes a frame batch or a tab
 * message folded together.
 *
 * Invariants, for each table and any reader position `since` of the same `origin`:
 * - `since.seq >= table.floor`: every id touched by a change recorded after `since` is in `ids`
 *   with a seq > since.seq (an id keeps the seq of its latest change);
 * - `since.seq < table.floor`: the answer is 'many' (a change named too many ids, or ids were
 *   evicted past `CLOCK_IDS` per table): the reader re-reads everything it shows of that table;
 * - `seq` grows by one with each change recorded; `ids` never holds more than `CLOCK_IDS` entries.
 * A reader of another `origin` (another engine: a tab took over, a new sign-in) gets 'many' for
 * every table: the two clocks' seqs cannot be compared. The empty clock ('' at seq 0, where every
 * page starts) is the start of whichever engine records first.
 */
/** ids kept per table (then the older half is dropped) */
export const CLOCK_IDS = 100;

const TABLES: readonly (keyof TouchedEntities)[] = ['tickets', 'orders', 'customers', 'products'];

export const EVERYTHING_TOUCHED: TouchedEntities = { tickets: 'many', orders: 'many', customers: 'many', products: 'many' };

/** `seq` > 0: a clock taking over from another one, whose readers all get 'many'. */
export function initialChangeClock(origin = '', seq = 0): ChangeClock {
  const table = (): ClockTable => ({ floor: seq, ids: {} });
  return { origin, seq, tables: { tickets: table(), orders: table(), customers: table(), products: table() } };
}

function recordTable(table: ClockTable, touched: TouchedIds, seq: number): ClockTable {
  if (touched === 'many') return { floor: seq, ids: {} };
  if (touched.length === 0) return table;
  const ids = { ...table.ids };
  for (const id of touched) ids[id] = seq;
  const entries = Object.entries(ids);
  if (entries.length <= CLOCK_IDS) return { floor: table.floor, ids };
  // past the cap, the older half goes at once (so a burst does not sort on every change); a
  // reader from before the newest evicted change gets 'many'
  entries.sort((a, b) => b[1] - a[1]);
  const kept = entries.slice(0, CLOCK_IDS / 2);
  const evicted = entries[CLOCK_IDS / 2]![1];
  return { floor: Math.max(table.floor, evicted), ids: Object.fromEntries(kept) };
}

/** One change (a push, a delta, a sync that may cover missed ones) recorded by the engine `origin`. */
export function recordTouched(clock: ChangeClock, origin: string, touched: TouchedEntities): ChangeClock {
  // another engine's clock: start a new one (its readers get 'many' once); an empty one carries on
  const base = clock.origin === origin ? clock : clock.seq === 0 ? { ...clock, origin } : initialChangeClock(origin, clock.seq);
  const seq = base.seq + 1;
  const tables = { ...base.tables };
  for (const t of TABLES) tables[t] = recordTable(base.tables[t], touched[t], seq);
  return { origin, seq, tables };
}

/** What changed after `since` (null: a reader that never looked, so everything). */
export function touchedSince(clock: ChangeClock, since: ClockPosition | null): TouchedEntities {
  // an empty clock ('' at 0) is the start of every origin's clock
  const comparable = since !== null && (since.origin === clock.origin || (since.origin === '' && since.seq === 0));
  if (!comparable) return EVERYTHING_TOUCHED;
  const out: Record<keyof TouchedEntities, TouchedIds> = { tickets: [], orders: [], customers: [], products: [] };
  for (const t of TABLES) {
    const table = clock.tables[t];
    if (since.seq < table.floor) out[t] = 'many';
    else out[t] = Object.entries(table.ids).filter(([, at]) => at > since.seq).map(([id]) => id);
  }
  return out;
}

export function positionOf(clock: ChangeClock): ClockPosition {
  return { origin: clock.origin, seq: clock.seq };
}

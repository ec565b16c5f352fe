import type { Queryable } from '../db/types.ts';
import type { TypedCondition } from './subscriptions.ts';

// Filter evaluation for one drained batch, with both sides cast to the column type as
// realtime.check_equality_op does. The old way checked every (record value, filter value) pair in
// SQL, so a batch cost (changes x bindings) casts: 1,000 changes under 5,000 filtered bindings was
// millions. Here eq, neq and in become ONE hash join per column type (matching pairs only): the
// cost follows the distinct values, not their product. Ordering operators (lt, lte, gt, gte) are
// rarer and keep the per-pair check, cached across batches.

const EQ_FAMILY = new Set(['eq', 'neq', 'in']);
const EMPTY: ReadonlySet<number> = new Set();
const MAX_ORDERING_CACHE = 20_000;
/** Above this many pairs the per-pair fallback is not attempted (the batch fails closed instead). */
const MAX_FALLBACK_PAIRS = 10_000;

interface TypeGroup {
  values: Map<string, number>;
  filters: Map<string, number>;
  /** record value index → indexes of filters it equals (eq) or is an element of (in). */
  equal: Map<number, Set<number>> | null;
}

export class FilterBatch {
  private groups = new Map<string, TypeGroup>();
  private filterOf = new Map<TypedCondition, number>();
  private pendingOrdering = new Map<string, [string, string, string, string]>();

  constructor(
    private db: Queryable,
    /** Ordering results by `${op}\0${type}\0${value}\0${filter}`, kept by the drainer across batches. */
    private orderingCache: Map<string, boolean | null>,
    private log: (msg: string) => void = () => undefined,
  ) {}

  private group(castType: string): TypeGroup {
    let g = this.groups.get(castType);
    if (!g) {
      g = { values: new Map(), filters: new Map(), equal: null };
      this.groups.set(castType, g);
    }
    return g;
  }

  /** Declares that condition `c` will be tested against the (non-null) record value `v`. */
  need(c: TypedCondition, v: string): void {
    if (!EQ_FAMILY.has(c.op)) {
      const k = orderingKey(c, v);
      if (!this.orderingCache.has(k)) this.pendingOrdering.set(k, [c.op, c.castType, v, c.value]);
      return;
    }
    this.needValue(c.castType, v);
    this.needFilter(c);
  }

  /** An eq/neq/in condition's filter value; returns its index within the column type. */
  needFilter(c: TypedCondition): number {
    let j = this.filterOf.get(c);
    if (j !== undefined) return j;
    const g = this.group(c.castType);
    const fk = `${c.op === 'in' ? 1 : 0}${c.value}`;
    j = g.filters.get(fk);
    if (j === undefined) {
      j = g.filters.size;
      g.filters.set(fk, j);
    }
    this.filterOf.set(c, j);
    return j;
  }

  /** A record value that eq/neq/in filters on this column type will be compared with. */
  needValue(castType: string, v: string): void {
    const g = this.group(castType);
    if (!g.values.has(v)) g.values.set(v, g.values.size);
  }

  /** Indexes of the eq (and in) filters that record value `v` satisfies, after `evaluate`. */
  equalFilters(castType: string, v: string): ReadonlySet<number> {
    const g = this.groups.get(castType);
    const i = g?.values.get(v);
    return (i === undefined ? undefined : g?.equal?.get(i)) ?? EMPTY;
  }

  /** Runs the queries: one per column type with eq/neq/in filters, one for ordering operators. */
  async evaluate(): Promise<void> {
    for (const [castType, g] of this.groups) g.equal = await this.equalPairs(castType, g);
    await this.evaluateOrdering();
  }

  /** Whether condition `c` holds for record value `v` (declared with `need` before `evaluate`). */
  test(c: TypedCondition, v: string): boolean {
    if (!EQ_FAMILY.has(c.op)) return this.orderingCache.get(orderingKey(c, v)) === true;
    const g = this.groups.get(c.castType);
    const i = g?.values.get(v);
    const j = this.filterOf.get(c);
    if (!g?.equal || i === undefined || j === undefined) return false;
    const hit = g.equal.get(i)?.has(j) ?? false;
    return c.op === 'neq' ? !hit : hit;
  }

  private async equalPairs(castType: string, g: TypeGroup): Promise<Map<number, Set<number>> | null> {
    const values = [...g.values.keys()];
    const filters = [...g.filters.keys()];
    const out = new Map<number, Set<number>>();
    const add = (i: number, j: number) => {
      let s = out.get(i);
      if (!s) out.set(i, (s = new Set()));
      s.add(j);
    };
    try {
      // castType is the column's regtype text from the catalog, never client input.
      const { rows } = await this.db.query<{ i: number; j: number }>(
        `select r.i::int as i, f.j::int as j
           from unnest($1::text[]) with ordinality as r(x, i)
           join (select f0.j, e
                   from unnest($2::text[], $3::bool[]) with ordinality as f0(y, is_in, j)
                   cross join lateral unnest(case when f0.is_in then f0.y::${castType}[] else array[f0.y::${castType}] end) as e) f
             on r.x::${castType} = f.e`,
        [values, filters.map((f) => f.slice(1)), filters.map((f) => f[0] === '1')],
      );
      for (const r of rows) add(r.i - 1, r.j - 1);
      return out;
    } catch (err) {
      // A value that does not cast (or a type without `=`): decide pair by pair, failing closed.
      if (values.length * filters.length > MAX_FALLBACK_PAIRS) {
        this.log(`realtime: filters on ${castType} could not be evaluated (${err instanceof Error ? err.message : err})`);
        return null;
      }
      for (let i = 0; i < values.length; i++) {
        for (let j = 0; j < filters.length; j++) {
          const f = filters[j]!;
          const ok = await this.db
            .query<{ ok: boolean | null }>('select _realtime.check_op($1, $2, $3, $4) as ok', [f[0] === '1' ? 'in' : 'eq', castType, values[i], f.slice(1)])
            .then((r) => r.rows[0]?.ok === true)
            .catch(() => null);
          if (ok) add(i, j);
          // A pair that errors is neither equal nor unequal: keep neq from matching it.
          if (ok === null) return null;
        }
      }
      return out;
    }
  }

  private async evaluateOrdering(): Promise<void> {
    const pending = this.pendingOrdering;
    if (pending.size === 0) return;
    if (this.orderingCache.size + pending.size > MAX_ORDERING_CACHE) this.orderingCache.clear();
    const keys = [...pending.keys()];
    const cols: string[][] = [[], [], [], []];
    for (const k of keys) pending.get(k)!.forEach((v, j) => cols[j]!.push(v));
    try {
      const { rows } = await this.db.query<{ ok: boolean | null }>(
        `select _realtime.check_op(op, typ, v1, v2) as ok
           from unnest($1::text[], $2::text[], $3::text[], $4::text[]) with ordinality as f(op, typ, v1, v2, n) order by n`,
        cols,
      );
      keys.forEach((k, i) => this.orderingCache.set(k, rows[i]?.ok ?? null));
    } catch {
      // One bad value must not hide the rest: go one by one.
      for (const k of keys) {
        const [op, typ, v1, v2] = pending.get(k)!;
        const res = await this.db
          .query<{ ok: boolean | null }>('select _realtime.check_op($1, $2, $3, $4) as ok', [op, typ, v1, v2])
          .catch(() => null);
        this.orderingCache.set(k, res?.rows[0]?.ok ?? false);
      }
    }
  }
}

function orderingKey(c: TypedCondition, v: string): string {
  return `${c.op}\0${c.castType}\0${v}\0${c.value}`;
}

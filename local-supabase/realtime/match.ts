import { tableKey } from './capture.ts';
import type { FilterBatch } from './filter-batch.ts';
import { valueText, type ChangeRow } from './payload.ts';
import type { Registry, Subscription, TypedCondition } from './subscriptions.ts';

// Which subscriptions a batch of changes matches (event, table, filters), without visiting every
// (change, subscription) pair: a subscription with an eq or in condition is indexed by that
// condition's filter value, and a change only visits the subscriptions whose value it equals (one
// hash join per column type finds those, see filter-batch.ts). Only subscriptions without such a
// condition (no filter, or only neq/lt/gt...) are tested against every change of their table.

interface Indexed {
  sub: Subscription;
  /** The eq/in condition the subscription is indexed by. */
  key: TypedCondition;
  /** Its other conditions, tested after the index matched. */
  rest: TypedCondition[];
}

interface TablePlan {
  general: Subscription[];
  /** `${column}\0${castType}` → indexed subscriptions on that column. */
  indexed: Map<string, { column: string; castType: string; entries: Indexed[]; byFilter: Map<number, Indexed[]> }>;
}

const source = (row: ChangeRow) => (row.type === 'DELETE' ? row.old_record : row.record);
const wants = (sub: Subscription, row: ChangeRow) => sub.action === '*' || sub.action === row.type;

function plan(registry: Registry, key: string): TablePlan {
  const p: TablePlan = { general: [], indexed: new Map() };
  for (const sub of registry.forTable(key)) {
    const conds = sub.tables.get(key) ?? [];
    const k = conds.find((c) => c.op === 'eq' || c.op === 'in');
    if (!k) {
      p.general.push(sub);
      continue;
    }
    const gk = `${k.column}\0${k.castType}`;
    let g = p.indexed.get(gk);
    if (!g) p.indexed.set(gk, (g = { column: k.column, castType: k.castType, entries: [], byFilter: new Map() }));
    g.entries.push({ sub, key: k, rest: conds.filter((c) => c !== k) });
  }
  return p;
}

/** For each change (same order), the subscriptions it is delivered to before privileges and RLS. */
export async function matchChanges(rows: ChangeRow[], registry: Registry, filters: FilterBatch): Promise<Subscription[][]> {
  const plans = new Map<string, TablePlan>();
  const keys = rows.map((r) => tableKey(r.schema_name, r.table_name));
  for (const k of keys) if (!plans.has(k)) plans.set(k, plan(registry, k));

  // 1. Declare every value and filter the batch compares, then evaluate them all at once.
  rows.forEach((row, i) => {
    const p = plans.get(keys[i]!)!;
    const src = source(row);
    const need = (c: TypedCondition) => {
      const v = valueText(src?.[c.column]);
      if (v !== null) filters.need(c, v);
    };
    for (const sub of p.general) if (wants(sub, row)) (sub.tables.get(keys[i]!) ?? []).forEach(need);
    for (const g of p.indexed.values()) {
      const v = valueText(src?.[g.column]);
      if (v !== null) filters.needValue(g.castType, v);
      for (const e of g.entries) if (e.rest.length > 0 && wants(e.sub, row)) e.rest.forEach(need);
    }
  });
  for (const p of plans.values()) {
    for (const g of p.indexed.values()) {
      for (const e of g.entries) {
        const j = filters.needFilter(e.key);
        const list = g.byFilter.get(j);
        if (list) list.push(e);
        else g.byFilter.set(j, [e]);
      }
    }
  }
  await filters.evaluate();

  // 2. Per change: the unindexed subscriptions tested in full, the indexed ones looked up.
  return rows.map((row, i) => {
    const p = plans.get(keys[i]!)!;
    const src = source(row);
    const holds = (c: TypedCondition) => {
      // A missing column fails closed; a NULL value makes every operator false.
      const v = valueText(src?.[c.column]);
      return v !== null && filters.test(c, v);
    };
    const out: Subscription[] = [];
    for (const sub of p.general) if (wants(sub, row) && (sub.tables.get(keys[i]!) ?? []).every(holds)) out.push(sub);
    for (const g of p.indexed.values()) {
      const v = valueText(src?.[g.column]);
      if (v === null) continue;
      for (const j of filters.equalFilters(g.castType, v)) {
        for (const e of g.byFilter.get(j) ?? []) if (wants(e.sub, row) && e.rest.every(holds)) out.push(e.sub);
      }
    }
    return out;
  });
}

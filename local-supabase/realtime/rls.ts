import type { Queryable } from '../db/types.ts';
import { quoteIdent, tableKey, type TableInfo } from './capture.ts';
import { valueText, type ChangeRow } from './payload.ts';
import type { Subscription } from './subscriptions.ts';

/** Subscribers that share role and RLS-relevant claims, with the changes they need checked. */
export interface RlsGroup {
  role: string;
  claims: string;
  /** table key → indexes of changes (into the drained batch) to look up by primary key */
  byTable: Map<string, number[]>;
}

export interface RlsFacts {
  /** The role bypasses RLS (BYPASSRLS or superuser). */
  bypass(role: string): boolean;
  /** Columns the role may SELECT on the table. */
  columns(role: string, t: TableInfo): Set<string>;
}

/**
 * Which (change, subscriber) pairs need an RLS lookup, grouped so each distinct (role, RLS-relevant
 * claims) is checked once per batch whatever its number of sockets, channels and filters: the
 * filters were already applied (`matched`), so a group carries the union of the changes its
 * members still need, each change once. Skipped, as Realtime does: DELETE, tables without RLS or
 * without a key, roles that bypass RLS, and roles that cannot see the key (they get Error 401).
 */
export function groupForRls(
  rows: ChangeRow[],
  matched: Subscription[][],
  tables: Map<string, TableInfo>,
  facts: RlsFacts,
): Map<string, RlsGroup> {
  const groups = new Map<string, RlsGroup>();
  rows.forEach((row, i) => {
    if (row.type === 'DELETE') return;
    const t = tables.get(tableKey(row.schema_name, row.table_name));
    if (!t || !t.rls || t.primaryKey.length === 0) return;
    const tk = tableKey(t.schema, t.table);
    for (const s of matched[i] ?? []) {
      const { role, claimsJson, rlsKey } = s.sink;
      if (facts.bypass(role)) continue;
      const cols = facts.columns(role, t);
      if (t.primaryKey.some((k) => !cols.has(k))) continue;
      const gk = `${role}\0${rlsKey}`;
      let g = groups.get(gk);
      if (!g) {
        g = { role, claims: claimsJson, byTable: new Map() };
        groups.set(gk, g);
      }
      const list = g.byTable.get(tk) ?? [];
      // Rows are visited in order, so a repeat of this change can only be the last entry.
      if (list[list.length - 1] !== i) list.push(i);
      g.byTable.set(tk, list);
    }
  });
  return groups;
}

function lookupSql(t: TableInfo): string {
  const cond = t.primaryKey
    .map((c) => {
      const ty = t.columns.find((x) => x.name === c)!.castType;
      return `t.${quoteIdent(c)} = (k.v->>'${c.replace(/'/g, "''")}')::${ty}`;
    })
    .join(' and ');
  return `select (k.n - 1)::int from jsonb_array_elements($1) with ordinality as k(v, n)
           where exists (select 1 from ${quoteIdent(t.schema)}.${quoteIdent(t.table)} t where ${cond})`;
}

/**
 * Runs every group's lookups as that group (role + request.jwt.claims) in one round trip through
 * _realtime.rls_visible, and returns `${changeIndex}\0${groupKey}` for each visible change.
 */
export async function visibleRows(
  db: Queryable,
  log: (msg: string) => void,
  rows: ChangeRow[],
  tables: Map<string, TableInfo>,
  groups: Map<string, RlsGroup>,
): Promise<Set<string>> {
  const list = [...groups.entries()];
  const payload = list.map(([, g]) => ({
    role: g.role,
    claims: g.claims,
    checks: [...g.byTable].map(([tk, idxs]) => {
      const t = tables.get(tk)!;
      const keys = idxs.map((i) => {
        const rec = rows[i]!.record ?? {};
        return Object.fromEntries(t.primaryKey.map((c) => [c, valueText(rec[c])]));
      });
      return { sql: lookupSql(t), keys, idxs };
    }),
  }));
  const seen = new Set<string>();
  const toArg = (gs: typeof payload) =>
    JSON.stringify(gs.map((g) => ({ ...g, checks: g.checks.map(({ sql, keys }) => ({ sql, keys })) })));
  const collect = (vis: { v: string }[], offset: number) => {
    for (const { v } of vis) {
      const [gi, ci, n] = v.split(':').map(Number) as [number, number, number];
      seen.add(`${payload[gi + offset]!.checks[ci]!.idxs[n]!}\0${list[gi + offset]![0]}`);
    }
  };
  const query = 'select _realtime.rls_visible($1::jsonb) as v';
  try {
    collect((await db.query<{ v: string }>(query, [toArg(payload)])).rows, 0);
  } catch (err) {
    // One subscriber's failing policy must not hide the change from the others: retry one by one.
    log(`realtime: RLS check failed, retrying per subscriber: ${err instanceof Error ? err.message : err}`);
    seen.clear();
    for (let gi = 0; gi < payload.length; gi++) {
      const res = await db.query<{ v: string }>(query, [toArg([payload[gi]!])]).catch(() => null);
      if (res) collect(res.rows, gi);
    }
  }
  return seen;
}

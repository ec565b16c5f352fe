import { RestError } from './errors.ts';
import { EXPOSED_SCHEMA } from './exposed.ts';
import { fuzzyBest } from './fuzzy.ts';

// Foreign-key relationships as PostgREST's schema cache sees them (allM2OandO2ORels + the
// inverse O2M/O2O), and findRel's rules for picking one (src/PostgREST/Plan.hs).

export type Cardinality = 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many';

/** The junction of a many-to-many relationship: `table` ← junction → `foreignTable`. */
export interface Junction {
  table: string;
  /** FK from the junction to `table`, and its column pairs [junction column, table column] */
  constraint1: string;
  source: [string, string][];
  /** FK from the junction to `foreignTable`, [junction column, foreign column] */
  constraint2: string;
  target: [string, string][];
}

export interface Relationship {
  table: string;
  foreignTable: string;
  constraint: string;
  /** pairs [column of table, column of foreignTable] */
  columns: [string, string][];
  cardinality: Cardinality;
  isSelf: boolean;
  /** for one-to-one: whether `table` holds the key (the FK side) */
  fkSide: boolean;
  junction?: Junction;
  /** the foreign table is a view (PostgREST's relFTableIsView: not reachable by constraint or column name) */
  foreignIsView?: boolean;
  /** a computed relationship: `function(table) returns [setof] foreignTable`, embedded by the function's name */
  computed?: { function: string; toOne: boolean };
}

export interface FkRow {
  table_name: string;
  foreign_table_name: string;
  constraint_name: string;
  cols: string[];
  fcols: string[];
  one_to_one: boolean;
}

// Only FKs between tables of the exposed schema (PostgREST drops the rest from the cache).
export const FOREIGN_KEYS_SQL = `
with pks_uniques_cols as (
  select conrelid, array_agg(key order by key) as cols
    from pg_constraint, lateral unnest(conkey) as _(key)
   where contype in ('p', 'u') and connamespace <> 'pg_catalog'::regnamespace
   group by oid, conrelid
)
select tab.relname as table_name, other.relname as foreign_table_name, traint.conname as constraint_name,
       array(select a.attname::text from unnest(traint.conkey) with ordinality k(n, o)
               join pg_attribute a on a.attrelid = traint.conrelid and a.attnum = k.n order by k.o) as cols,
       array(select a.attname::text from unnest(traint.confkey) with ordinality k(n, o)
               join pg_attribute a on a.attrelid = traint.confrelid and a.attnum = k.n order by k.o) as fcols,
       (array(select unnest(traint.conkey) order by 1) in (select cols from pks_uniques_cols p where p.conrelid = traint.conrelid)) as one_to_one
  from pg_constraint traint
  join pg_class tab on tab.oid = traint.conrelid
  join pg_class other on other.oid = traint.confrelid
 where traint.contype = 'f' and traint.conparentid = 0
   and tab.relnamespace = $1::regnamespace and other.relnamespace = $1::regnamespace
 order by traint.conrelid, traint.conname`;

/**
 * Pure: every FK gives the relationship from its table and the inverse one from the referenced
 * table; a table with FKs to two tables whose columns are all in its primary key is a junction
 * (addM2MRels), giving many-to-many relationships between them.
 */
export function toRelationships(rows: FkRow[], primaryKeys: Map<string, string[]> = new Map()): Map<string, Relationship[]> {
  const byTable = new Map<string, Relationship[]>();
  const add = (r: Relationship) => byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  const forward: Relationship[] = rows.map((row) => ({
    table: row.table_name,
    foreignTable: row.foreign_table_name,
    constraint: row.constraint_name,
    columns: row.cols.map((c, i): [string, string] => [c, row.fcols[i] ?? '']),
    cardinality: row.one_to_one ? 'one-to-one' : 'many-to-one',
    isSelf: row.table_name === row.foreign_table_name,
    fkSide: true,
  }));
  forward.forEach(add);
  for (const a of forward) {
    for (const b of forward) {
      if (a.table !== b.table || a.constraint === b.constraint) continue;
      const pk = new Set(primaryKeys.get(a.table) ?? []);
      if (![...a.columns, ...b.columns].every(([c]) => pk.has(c))) continue;
      add({
        table: a.foreignTable,
        foreignTable: b.foreignTable,
        constraint: a.table,
        columns: [],
        cardinality: 'many-to-many',
        isSelf: a.foreignTable === b.foreignTable,
        fkSide: false,
        junction: { table: a.table, constraint1: a.constraint, source: a.columns, constraint2: b.constraint, target: b.columns },
      });
    }
  }
  for (const r of forward) {
    add({
      table: r.foreignTable,
      foreignTable: r.table,
      constraint: r.constraint,
      columns: r.columns.map(([a, b]): [string, string] => [b, a]),
      cardinality: r.cardinality === 'one-to-one' ? 'one-to-one' : 'one-to-many',
      isSelf: r.isSelf,
      fkSide: false,
    });
  }
  return byTable;
}

export function isToOne(r: Relationship): boolean {
  if (r.computed) return r.computed.toOne;
  return r.cardinality === 'many-to-one' || r.cardinality === 'one-to-one';
}

/** A view column that is a plain reference to a table column (resorigtbl/resorigcol of the view's query). */
export interface ViewColumnRow {
  view_name: string;
  view_column: string;
  table_name: string;
  column_name: string;
}

// The view's target list as the rewriter stores it: each output column names the table column it
// passes through (resorigtbl, resorigcol), also through subqueries; 0 for anything computed.
export const VIEW_COLUMNS_SQL = `
select distinct v.relname::text as view_name, m[1] as view_column, t.relname::text as table_name, a.attname::text as column_name
  from pg_rewrite r
  join pg_class v on v.oid = r.ev_class
 cross join lateral regexp_matches(r.ev_action::text, ':resname (\\S+) :ressortgroupref \\d+ :resorigtbl (\\d+) :resorigcol (\\d+)', 'g') m
  join pg_class t on t.oid = m[2]::oid
  join pg_attribute a on a.attrelid = t.oid and a.attnum = m[3]::int
 where v.relkind in ('v', 'm') and v.relnamespace = $1::regnamespace
   and t.relkind in ('r', 'p', 'f') and t.relnamespace = $1::regnamespace
   and exists (select 1 from pg_attribute va where va.attrelid = v.oid and va.attname = m[1] and va.attnum > 0 and not va.attisdropped)
 order by 1, 2, 3, 4`;

/**
 * Pure: addViewM2OAndO2ORels, for views whose columns pass a foreign key's columns through
 * unchanged: the view gets the table's relationship (and its inverse), on the view's column names.
 * A view column that could come from two table columns is left out.
 */
export function addViewRelationships(rels: Map<string, Relationship[]>, fks: FkRow[], viewColumns: ViewColumnRow[]): Map<string, Relationship[]> {
  const out = new Map([...rels].map(([k, v]) => [k, [...v]]));
  const add = (r: Relationship) => out.set(r.table, [...(out.get(r.table) ?? []), r]);
  // view -> table -> table column -> view column
  const origins = new Map<string, Map<string, Map<string, string>>>();
  const seen = new Map<string, string>();
  const ambiguous = new Set<string>();
  for (const row of viewColumns) {
    const key = `${row.view_name}\u0000${row.view_column}`;
    const origin = `${row.table_name}\u0000${row.column_name}`;
    if (seen.has(key) && seen.get(key) !== origin) ambiguous.add(key);
    seen.set(key, origin);
  }
  for (const row of viewColumns) {
    if (ambiguous.has(`${row.view_name}\u0000${row.view_column}`)) continue;
    const byTable = origins.get(row.view_name) ?? new Map<string, Map<string, string>>();
    const cols = byTable.get(row.table_name) ?? new Map<string, string>();
    if (!cols.has(row.column_name)) cols.set(row.column_name, row.view_column);
    byTable.set(row.table_name, cols);
    origins.set(row.view_name, byTable);
  }
  const through = (view: string, table: string, cols: string[]): string[] | null => {
    const map = origins.get(view)?.get(table);
    const mapped = cols.map((c) => map?.get(c));
    return mapped.every((c): c is string => c !== undefined) ? mapped : null;
  };
  for (const fk of fks) {
    for (const view of origins.keys()) {
      const fkSide = through(view, fk.table_name, fk.cols);
      if (fkSide) {
        const columns = fkSide.map((c, i): [string, string] => [c, fk.fcols[i] ?? '']);
        const card = fk.one_to_one ? 'one-to-one' : 'many-to-one';
        add({ table: view, foreignTable: fk.foreign_table_name, constraint: fk.constraint_name, columns, cardinality: card, isSelf: false, fkSide: true });
        add({ table: fk.foreign_table_name, foreignTable: view, constraint: fk.constraint_name, columns: columns.map(([a, b]): [string, string] => [b, a]),
          cardinality: fk.one_to_one ? 'one-to-one' : 'one-to-many', isSelf: false, fkSide: false, foreignIsView: true });
      }
      const refSide = through(view, fk.foreign_table_name, fk.fcols);
      // view to view: both ends pass the key through
      for (const other of origins.keys()) {
        const otherRef = fkSide && other !== view ? through(other, fk.foreign_table_name, fk.fcols) : null;
        if (!fkSide || !otherRef) continue;
        const columns = fkSide.map((c, i): [string, string] => [c, otherRef[i] ?? '']);
        add({ table: view, foreignTable: other, constraint: fk.constraint_name, columns, cardinality: fk.one_to_one ? 'one-to-one' : 'many-to-one',
          isSelf: false, fkSide: true, foreignIsView: true });
        add({ table: other, foreignTable: view, constraint: fk.constraint_name, columns: columns.map(([a, b]): [string, string] => [b, a]),
          cardinality: fk.one_to_one ? 'one-to-one' : 'one-to-many', isSelf: false, fkSide: false, foreignIsView: true });
      }
      if (refSide) {
        const columns = fk.cols.map((c, i): [string, string] => [c, refSide[i] ?? '']);
        add({ table: fk.table_name, foreignTable: view, constraint: fk.constraint_name, columns, cardinality: fk.one_to_one ? 'one-to-one' : 'many-to-one',
          isSelf: false, fkSide: true, foreignIsView: true });
        add({ table: view, foreignTable: fk.table_name, constraint: fk.constraint_name, columns: columns.map(([a, b]): [string, string] => [b, a]),
          cardinality: fk.one_to_one ? 'one-to-one' : 'one-to-many', isSelf: false, fkSide: false });
      }
    }
  }
  return out;
}

export interface ComputedRow {
  function_name: string;
  table_name: string;
  foreign_table_name: string;
  to_one: boolean;
}

// allComputedRels: a function of one parameter of a table's (or view's) row type that returns
// another table's row type, or a set of them, is a relationship named after the function.
export const COMPUTED_RELS_SQL = `
select p.proname::text as function_name, arg.relname::text as table_name, ret.relname::text as foreign_table_name,
       (not p.proretset or p.prorows = 1) as to_one
  from pg_proc p
  join pg_class arg on arg.reltype = p.proargtypes[0]
  join pg_class ret on ret.reltype = p.prorettype
 where p.pronargs = 1 and p.pronamespace = $1::regnamespace
   and arg.relkind in ('v', 'r', 'm', 'f', 'p') and ret.relkind in ('v', 'r', 'm', 'f', 'p')
   and arg.relnamespace = $1::regnamespace and ret.relnamespace = $1::regnamespace
 order by p.proname, arg.relname`;

/**
 * Pure: adds computed relationships; like getOverrideRelationshipsMap, one named as a table the
 * origin relates to by a foreign key replaces those relationships.
 */
export function addComputedRelationships(rels: Map<string, Relationship[]>, rows: ComputedRow[]): Map<string, Relationship[]> {
  const out = new Map([...rels].map(([k, v]) => [k, [...v]]));
  for (const row of rows) {
    const kept = (out.get(row.table_name) ?? []).filter((r) => r.computed || r.foreignTable !== row.function_name);
    kept.push({
      table: row.table_name,
      foreignTable: row.foreign_table_name,
      constraint: row.function_name,
      columns: [],
      cardinality: row.to_one ? 'many-to-one' : 'one-to-many',
      isSelf: row.table_name === row.foreign_table_name,
      fkSide: false,
      computed: { function: row.function_name, toOne: row.to_one },
    });
    out.set(row.table_name, kept);
  }
  return out;
}

function singleCol(r: Relationship, side: 0 | 1): string | null {
  return r.columns.length === 1 ? (r.columns[0]?.[side] ?? null) : null;
}

/** findRel: the one relationship from `origin` that `target` (and `hint`) name, or PGRST200/201. */
export function findRelationship(rels: Map<string, Relationship[]>, tables: Set<string>, origin: string, target: string, hint: string | null): Relationship {
  const candidates = (rels.get(origin) ?? []).filter((r) => {
    if (r.computed) return target === r.computed.function;
    if (r.isSelf && !r.junction) {
      const o2m = r.cardinality === 'one-to-many';
      const m2o = r.cardinality === 'many-to-one';
      if (hint === null) return (target === r.foreignTable && o2m) || (singleCol(r, 0) === target && m2o);
      return target === r.foreignTable && o2m && singleCol(r, 1) === hint;
    }
    if (r.junction) return target === r.foreignTable && (hint === null || hint === r.junction.table);
    if (hint === null) return target === r.foreignTable || (!r.foreignIsView && (target === r.constraint || singleCol(r, 0) === target));
    return target === r.foreignTable && (hint === r.constraint || singleCol(r, 0) === hint || singleCol(r, 1) === hint);
  });
  // PostgREST keeps each table's relationships sorted (derived Ord): foreign table, self or not,
  // cardinality in constructor order (O2M, M2O, O2O), then constraint name.
  const rank: Record<Cardinality, number> = { 'one-to-many': 0, 'many-to-one': 1, 'one-to-one': 2, 'many-to-many': 3 };
  candidates.sort(
    (a, b) =>
      (a.foreignTable < b.foreignTable ? -1 : a.foreignTable > b.foreignTable ? 1 : 0) ||
      Number(a.isSelf) - Number(b.isSelf) ||
      rank[a.cardinality] - rank[b.cardinality] ||
      (a.constraint < b.constraint ? -1 : a.constraint > b.constraint ? 1 : 0),
  );
  const [only] = candidates;
  if (candidates.length === 1 && only) return only;
  if (candidates.length === 0) {
    return fail(
      new RestError(
        400,
        'PGRST200',
        `Could not find a relationship between '${origin}' and '${target}' in the schema cache`,
        `Searched for a foreign key relationship between '${origin}' and '${target}'${hint ? ` using the hint '${hint}'` : ''} in the schema '${EXPOSED_SCHEMA}', but no matches were found.`,
        noRelHint(rels, tables, origin, target),
      ),
    );
  }
  const cols = (pairs: [string, string][], side: 0 | 1) => `(${pairs.map((c) => c[side]).join(', ')})`;
  const details = candidates.map((r) => ({
    cardinality: r.cardinality,
    embedding: `${r.table} with ${r.foreignTable}`,
    relationship: r.junction
      ? `${r.junction.table} using ${r.junction.constraint1}${cols(r.junction.source, 0)} and ${r.junction.constraint2}${cols(r.junction.target, 0)}`
      : `${r.constraint} using ${r.table}${cols(r.columns, 0)} and ${r.foreignTable}${cols(r.columns, 1)}`,
  }));
  return fail(
    new RestError(
      300,
      'PGRST201',
      `Could not embed because more than one relationship was found for '${origin}' and '${target}'`,
      details,
      `Try changing '${target}' to one of the following: ${candidates.map((r) => `'${r.foreignTable}!${r.constraint}'`).join(', ')}. Find the desired relationship in the 'details' key.`,
    ),
  );
}

function fail(err: RestError): never {
  throw err;
}

/** "Perhaps you meant …": a near table name for the parent, else a near related table for the child. */
function noRelHint(rels: Map<string, Relationship[]>, tables: Set<string>, origin: string, target: string): string | null {
  const parent = rels.get(origin);
  if (!parent) {
    const near = fuzzyBest(origin, [...rels.keys()].filter((t) => tables.has(t)), 0.33);
    return near ? `Perhaps you meant '${near.value}' instead of '${origin}'.` : null;
  }
  const near = fuzzyBest(target, new Set(parent.map((r) => r.foreignTable)), 0.33);
  return near && near.score < 1 ? `Perhaps you meant '${near.value}' instead of '${target}'.` : null;
}

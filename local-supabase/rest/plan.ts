import { RestError } from './errors.ts';
import type { Condition } from './logic.ts';
import { isLogicTree } from './logic.ts';
import type { Located, OrderTerm, QueryParts } from './params.ts';
import type { Relationship } from './relations.ts';
import { isToOne } from './relations.ts';
import type { Aggregate, SelectField, SelectItem } from './select.ts';

// The read plan: one node per table in `select=` (PostgREST's ReadPlanTree), each with its own
// filters, order and range; SQL is built from it in one statement (sql.ts).

export interface ReadNode {
  /** the table (or function result) whose relationships embedding resolves against */
  table: string;
  /** SQL FROM item for the root; embedded nodes read "public".<foreignTable> */
  from: string;
  /** the name columns are qualified with */
  qualifier: string;
  /** `*` when null (nothing selected and no embeddings) */
  fields: (SelectField | '*')[];
  embeds: Embed[];
  where: Condition[];
  order: OrderTerm[];
  limit: number | null;
  offset: number | null;
  depth: number;
}

export interface Embed {
  node: ReadNode;
  rel: Relationship;
  /** the key in the output (alias or name) */
  name: string;
  /** the lateral join's alias (PostgREST's relAggAlias) */
  aggAlias: string;
  inner: boolean;
  spread: boolean;
  /** a to-many spread: the child's output columns, each aggregated into an array */
  spreadColumns: string[] | null;
  /** a to-one spread: aggregates hoisted from the child, applied here to its output column */
  hoisted: Map<string, Hoisted>;
  /** `rel()` selects nothing: used for filtering only */
  empty: boolean;
  toOne: boolean;
}

/** An aggregate a to-one spread hands to its parent (hoistSpreadAggFunctions). */
export interface Hoisted {
  aggregate: Aggregate;
  cast: string | null;
}

export interface PlanSchema {
  relationship(origin: string, target: string, hint: string | null): Relationship;
  /** `pgrst.db_aggregates_enabled` of the authenticator role (PostgREST's in-database config) */
  aggregatesEnabled?(): boolean;
  /** a table's columns in order, to expand `*` where aggregates or to-many spreads need them */
  columnNames?(table: string): string[];
}

export interface PlanOptions {
  maxRows: number | null;
  /** writes: root filters belong to the mutation; no ranges and no max_rows */
  isWrite: boolean;
}

function node(table: string, from: string, qualifier: string, depth: number): ReadNode {
  return { table, from, qualifier, fields: [], embeds: [], where: [], order: [], limit: null, offset: null, depth };
}

function build(schema: PlanSchema, parent: ReadNode, items: SelectItem[]): void {
  for (const item of items) {
    if (item.type === 'star') parent.fields.push('*');
    else if (item.type === 'field') {
      if (item.aggregate && !schema.aggregatesEnabled?.()) throw new RestError(400, 'PGRST123', 'Use of aggregate functions is not allowed');
      parent.fields.push(item);
    } else {
      const rel = schema.relationship(parent.table, item.name, item.hint);
      const depth = parent.depth + 1;
      const alias = `${rel.foreignTable}_${depth}`;
      // many-to-many: the junction is joined inside the embedding's subquery
      const junction = rel.junction
        ? ` join "public".${quote(rel.junction.table)} on ${rel.junction.target.map(([j, f]) => `${quote(rel.junction?.table ?? '')}.${quote(j)} = ${quote(alias)}.${quote(f)}`).join(' and ')}`
        : '';
      // a computed relationship reads the function's rows for the parent row (fromF's ComputedRelationship case)
      const source = rel.computed
        ? `"public".${quote(rel.computed.function)}(${quote(parent.qualifier)}::"public".${quote(parent.table)})`
        : `"public".${quote(rel.foreignTable)}`;
      const child = node(rel.foreignTable, `${source} as ${quote(alias)}${junction}`, alias, depth);
      const name = item.alias ?? item.name;
      build(schema, child, item.children);
      // A to-many spread turns each selected column into an array (PostgREST 14's ToManySpread);
      // `*` is expanded to the table's columns (expandStars).
      let spreadColumns: string[] | null = null;
      if (item.spread && !isToOne(rel)) {
        if (child.fields.some((f) => f !== '*' && f.aggregate)) {
          throw new RestError(400, 'PGRST127', 'Feature not implemented', 'Aggregates are not implemented for one-to-many or many-to-many spreads.');
        }
        expandStar(schema, child);
        if (child.fields.includes('*')) {
          throw new RestError(400, 'PGRST127', 'Feature not implemented', `the local stack cannot list the columns of '${rel.foreignTable}' to spread them`);
        }
        spreadColumns = spreadOutput(child) ?? [];
      }
      parent.embeds.push({
        node: child,
        rel,
        name,
        aggAlias: `${parent.table}_${name}_${depth}`,
        inner: item.join === 'inner',
        spread: item.spread,
        spreadColumns,
        hoisted: new Map(),
        empty: item.children.length === 0,
        toOne: isToOne(rel),
      });
    }
  }
}

/** `*` becomes the table's columns (when the schema can list them). */
function expandStar(schema: PlanSchema, n: ReadNode): void {
  if (!n.fields.includes('*')) return;
  const cols = schema.columnNames?.(n.table) ?? [];
  if (!cols.length) return;
  n.fields = n.fields.flatMap((f): (SelectField | '*')[] =>
    f === '*' ? cols.map((name) => ({ type: 'field', field: { name, json: [] }, alias: null, cast: null, aggregate: null })) : [f],
  );
}

/** The keys a node puts in its parent when spread (select names, then embeddings and nested spreads); null with `*`. */
export function spreadOutput(n: ReadNode): string[] | null {
  if (n.fields.includes('*')) return null;
  const own = n.fields.length === 0 && n.embeds.length === 0 ? null : n.fields.map((f) => outputName(f as SelectField));
  if (!own) return null;
  const out = [...own];
  for (const e of n.embeds) {
    if (e.empty) continue;
    if (e.spread && e.toOne) {
      const nested = spreadOutput(e.node);
      if (!nested) return null;
      out.push(...nested);
    } else if (e.spread) out.push(...(e.spreadColumns ?? []));
    else out.push(e.name);
  }
  return out;
}

export function hasAggregate(n: ReadNode): boolean {
  return n.fields.some((f) => f !== '*' && f.aggregate !== null);
}

/**
 * expandStars (a `*` is listed where the node or one above it aggregates) and
 * hoistSpreadAggFunctions: a to-one spread's aggregates move up to the nearest node that is not
 * a to-one spread, which applies them to the spread's output columns and groups by the rest.
 */
function prepareAggregates(schema: PlanSchema, n: ReadNode, aboveHasAgg: boolean): void {
  const agg = aboveHasAgg || hasAggregate(n) || n.embeds.some((e) => e.spread && e.toOne && hasAggregate(e.node));
  if (agg) expandStar(schema, n);
  for (const e of n.embeds) prepareAggregates(schema, e.node, agg);
  for (const e of n.embeds) {
    if (!(e.spread && e.toOne)) continue;
    // the child's own aggregates, named after their alias (or the aggregate, as addAliases does for spreads)
    e.node.fields = e.node.fields.map((f) => {
      if (f === '*' || !f.aggregate) return f;
      const alias = f.alias ?? f.aggregate;
      e.hoisted.set(alias, { aggregate: f.aggregate, cast: f.aggregateCast ?? null });
      return { ...f, alias, aggregate: null, aggregateCast: null };
    });
    // aggregates the child's own to-one spreads hoisted to it go on up
    for (const inner of e.node.embeds) {
      if (!(inner.spread && inner.toOne)) continue;
      for (const [name, h] of inner.hoisted) e.hoisted.set(name, h);
      inner.hoisted.clear();
    }
  }
}

/** The key a selected field gets in the output: its alias, a JSON path's last key, or its name. */
export function outputName(f: SelectField): string {
  if (f.alias) return f.alias;
  if (f.aggregate) return f.aggregate;
  const keys = f.field.json.filter((j) => !j.index);
  if (f.field.json.length) return keys[keys.length - 1]?.key ?? f.field.name;
  return f.field.name;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The node a query key's path names (`tickets.customers.limit`), by alias or name; PGRST108 otherwise. */
function at(root: ReadNode, path: string[]): ReadNode {
  let current = root;
  for (const step of path) {
    const next = current.embeds.find((e) => e.name === step);
    if (!next) {
      throw new RestError(400, 'PGRST108', `'${step}' is not an embedded resource in this request`, null,
        `Verify that '${step}' is included in the 'select' query parameter.`);
    }
    current = next.node;
  }
  return current;
}

/**
 * addNullEmbedFilters: `embed=is.null` / `embed=not.is.null` (also inside logic trees) tests
 * the embedding itself; any other filter on that name stays a column filter.
 */
function nullEmbeds(target: ReadNode, c: Condition): Condition {
  if (isLogicTree(c)) return { ...c, items: c.items.map((i) => nullEmbeds(target, i)) };
  const embed = c.field.json.length === 0 ? target.embeds.find((e) => e.name === c.field.name) : undefined;
  if (embed && c.operation.kind === 'is' && c.operation.value === 'null') return { ...c, embedAlias: embed.aggAlias };
  return c;
}

function checkOrder(target: ReadNode, terms: OrderTerm[]): OrderTerm[] {
  for (const t of terms) {
    if (t.relation === null) continue;
    const embed = target.embeds.find((e) => e.name === t.relation);
    if (!embed) {
      throw new RestError(400, 'PGRST108', `'${t.relation}' is not an embedded resource in this request`, null,
        `Verify that '${t.relation}' is included in the 'select' query parameter.`);
    }
    if (!embed.toOne) {
      throw new RestError(400, 'PGRST118', `A related order on '${t.relation}' is not possible`,
        `'${target.table}' and '${t.relation}' do not form a many-to-one or one-to-one relationship`);
    }
  }
  return terms;
}

function forEachNode(n: ReadNode, fn: (n: ReadNode) => void): void {
  fn(n);
  for (const e of n.embeds) forEachNode(e.node, fn);
}

/** Builds the tree from `select=` and puts every filter, order and range on the node its path names. */
export function readPlan(schema: PlanSchema, root: { table: string; from: string; qualifier: string }, select: SelectItem[], parts: QueryParts, opts: PlanOptions): ReadNode {
  const tree = node(root.table, root.from, root.qualifier, 0);
  build(schema, tree, select);
  prepareAggregates(schema, tree, false);
  const nested = <T>(xs: Located<T>[]) => (opts.isWrite ? xs.filter((x) => x.path.length > 0) : xs);
  for (const { path, value } of nested(parts.filters)) at(tree, path).where.push(value);
  for (const { path, value } of nested(parts.logic)) at(tree, path).where.push(value);
  forEachNode(tree, (n) => {
    n.where = n.where.map((c) => nullEmbeds(n, c));
  });
  for (const { path, value } of parts.order) {
    const target = at(tree, path);
    target.order = checkOrder(target, value);
  }
  // addRanges skips mutations: no limit or offset applies to a write or its embeddings.
  if (!opts.isWrite) {
    for (const { path, value } of parts.limit) at(tree, path).limit = value;
    for (const { path, value } of parts.offset) at(tree, path).offset = value;
  }
  if (!opts.isWrite && opts.maxRows !== null) {
    const max = opts.maxRows;
    forEachNode(tree, (n) => {
      n.limit = n.limit === null ? max : Math.min(n.limit, max);
    });
  }
  return tree;
}

/** The root-level filters and logic trees of a request (the WHERE of an UPDATE or DELETE). */
export function rootConditions(parts: QueryParts): Condition[] {
  return [...parts.filters.filter((f) => f.path.length === 0).map((f) => f.value), ...parts.logic.filter((l) => l.path.length === 0).map((l) => l.value)];
}

import { Cursor } from './cursor.ts';
import { RestError } from './errors.ts';
import type { Field, Filter } from './filter.ts';
import { field, fieldName, jsonPath, opExpr, wholeValue } from './filter.ts';
import type { LogicTree } from './logic.ts';
import { isLogicKey, parseLogicKey, parseLogicTree } from './logic.ts';

// The query string of a PostgREST request, split as QueryParams.parse does: select, columns and
// on_conflict are reserved; keys ending in order/limit/offset/and/or apply to the embedding
// named by their path (`tickets.order`); every other key is a filter (or a GET rpc argument).

export interface OrderTerm {
  /** set for `order=customer(full_name)`: a column of a to-one embedding */
  relation: string | null;
  field: Field;
  direction: 'asc' | 'desc' | null;
  nulls: 'first' | 'last' | null;
}

export type CountPref = 'exact' | 'planned' | 'estimated';
export interface Prefer {
  return: 'minimal' | 'representation' | 'headers-only' | null;
  count: CountPref | null;
  resolution: 'merge-duplicates' | 'ignore-duplicates' | null;
  missingDefault: boolean;
}

export interface Located<T> {
  path: string[];
  value: T;
}

export interface QueryParts {
  select: string | undefined;
  columns: string[] | null;
  onConflict: string[] | null;
  filters: Located<Filter>[];
  logic: Located<LogicTree>[];
  order: Located<OrderTerm[]>[];
  limit: Located<number>[];
  offset: Located<number>[];
  /** keys with a value that is not an operator expression (GET rpc arguments) */
  plain: [string, string][];
}

function lastWord(key: string): string {
  return key.slice(key.lastIndexOf('.') + 1);
}

/** `tickets.customers.status` → path [tickets, customers], and the rest of the key. */
function treePath(key: string, what: string): { path: string[]; field: Field } {
  const c = new Cursor(key, `failed to parse ${what} (${key})`);
  c.skipSpaces();
  const names = [fieldName(c)];
  while (c.eat('.')) names.push(fieldName(c));
  const json = jsonPath(c);
  const name = names.pop() ?? '';
  return { path: names, field: { name, json } };
}

/** Query string pairs as PostgREST reads them: `+` is a space, keys without `=` are dropped. */
export function queryPairs(search: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of search.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    if (part === '' || eq < 0) continue;
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    pairs.push([decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function intOrNull(raw: string): number | null {
  return /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : null;
}

/** Splits and parses every query parameter; `isRpcRead` lets non-operator values through as arguments. */
export function parseQuery(pairs: [string, string][], isRpcRead = false): QueryParts {
  const parts: QueryParts = { select: undefined, columns: null, onConflict: null, filters: [], logic: [], order: [], limit: [], offset: [], plain: [] };
  for (const [key, value] of pairs) {
    if (key === 'select') parts.select = value;
    else if (key === 'columns') parts.columns = parseColumns(value, 'columns');
    else if (key === 'on_conflict') parts.onConflict = parseColumns(value, 'on_conflict');
    else if (isLogicKey(key)) {
      const { path, op } = parseLogicKey(key);
      parts.logic.push({ path, value: parseLogicTree(op, value) });
    } else if (lastWord(key) === 'order') {
      parts.order.push({ path: treePath(key, 'tree path').path, value: parseOrder(value) });
    } else if (lastWord(key) === 'limit' || lastWord(key) === 'offset') {
      const n = intOrNull(value);
      if (n === null) continue; // PostgREST ignores a limit/offset that is not a number
      const path = treePath(key, 'tree path').path;
      if (lastWord(key) === 'limit' && n < 0) {
        throw new RestError(416, 'PGRST103', 'Requested range not satisfiable', 'Limit should be greater than or equal to zero.');
      }
      (lastWord(key) === 'limit' ? parts.limit : parts.offset).push({ path, value: Math.max(0, n) });
    } else {
      const { path, field: f } = treePath(key, 'tree path');
      const c = new Cursor(value, `failed to parse filter (${value})`);
      if (isRpcRead && path.length === 0) {
        try {
          const { negate, operation } = opExpr(c, wholeValue);
          parts.filters.push({ path, value: { field: f, negate, operation } });
        } catch {
          parts.plain.push([key, value]);
        }
        continue;
      }
      const { negate, operation } = opExpr(c, wholeValue);
      parts.filters.push({ path, value: { field: f, negate, operation } });
    }
  }
  return parts;
}

function parseColumns(raw: string, what: string): string[] {
  const c = new Cursor(raw, `failed to parse ${what} parameter (${raw})`);
  const cols: string[] = [];
  for (;;) {
    c.skipSpaces();
    cols.push(fieldName(c));
    c.skipSpaces();
    if (!c.eat(',')) break;
  }
  return cols;
}

/** `order=a.desc.nullslast,b,customer(full_name).asc` */
export function parseOrder(raw: string): OrderTerm[] {
  const c = new Cursor(raw, `failed to parse order (${raw})`);
  const terms: OrderTerm[] = [];
  for (;;) {
    c.skipSpaces();
    let relation: string | null = null;
    const save = c.pos;
    let f: Field;
    try {
      const name = fieldName(c);
      if (c.peek() !== '(') throw new Error('not a relation');
      c.pos++;
      f = field(c);
      if (!c.eat(')')) throw c.fail('")"');
      relation = name;
    } catch (err) {
      if (err instanceof RestError) throw err;
      c.pos = save;
      f = field(c);
    }
    let direction: OrderTerm['direction'] = null;
    let nulls: OrderTerm['nulls'] = null;
    if (c.eat('.asc')) direction = 'asc';
    else if (c.eat('.desc')) direction = 'desc';
    if (c.eat('.nullsfirst')) nulls = 'first';
    else if (c.eat('.nullslast')) nulls = 'last';
    c.skipSpaces();
    if (!c.done && c.peek() !== ',') {
      if (c.peek() === '.' && (direction === null || nulls === null)) {
        throw c.fail(direction === null ? '"asc", "desc", "nullsfirst" or "nullslast"' : '"nullsfirst" or "nullslast"', c.pos + 1);
      }
      throw c.fail('"," or end of input');
    }
    terms.push({ relation, field: f, direction, nulls });
    if (!c.eat(',')) break;
  }
  return terms;
}

export function parsePrefer(header: string | undefined): Prefer {
  const prefer: Prefer = { return: null, count: null, resolution: null, missingDefault: false };
  for (const token of (header ?? '').split(/[,;]/)) {
    const [k, v] = token.trim().split('=').map((s) => s.trim());
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'headers-only')) prefer.return = v;
    else if (k === 'count' && (v === 'exact' || v === 'planned' || v === 'estimated')) prefer.count = v;
    else if (k === 'resolution' && (v === 'merge-duplicates' || v === 'ignore-duplicates')) prefer.resolution = v;
    else if (k === 'missing' && v === 'default') prefer.missingDefault = true;
  }
  return prefer;
}

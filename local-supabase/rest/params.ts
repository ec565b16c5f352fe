import { Cursor } from './cursor.ts';
import { RestError } from './errors.ts';
import type { Field, Filter } from './filter.ts';
import { field, fieldName, jsonPath, opExpr, wholeValue } from './filter.ts';
import type { LogicTree } from './logic.ts';
import { isLogicKey, parseLogicKey, parseLogicTree } from './logic.ts';
import { limitOffset, queryRanges, topLevelRange } from './range.ts';
import type { SelectItem } from './select.ts';
import { parseSelect } from './select.ts';

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

export interface Located<T> {
  path: string[];
  value: T;
}

export interface QueryParts {
  select: string | undefined;
  /** `select` parsed (default `*`), in the order QueryParams.parse reads it */
  selected: SelectItem[];
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

/**
 * `%XX` decoded where it is valid, left as it is where it is not (http-types urlDecode); `+` is a space.
 */
function urlDecode(s: string): string {
  const bytes: number[] = [];
  const text = s.replace(/\+/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...new TextEncoder().encode(text[i]));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Query string pairs as PostgREST reads them (http-types parseQueryReplacePlus): pairs are separated
 * by `&` or `;`, `+` is a space, and a key without `=` has no value (null).
 */
export function queryPairs(search: string): [string, string | null][] {
  const pairs: [string, string | null][] = [];
  const query = search.replace(/^\?/, '');
  if (query === '') return pairs;
  for (const part of query.split(/[&;]/)) {
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [urlDecode(part), null] : [urlDecode(part.slice(0, eq)), urlDecode(part.slice(eq + 1))]);
  }
  return pairs;
}

/**
 * Splits and parses every query parameter; `isRpcRead` lets non-operator values through as arguments.
 * `select`, `columns` and `on_conflict` are read from their first occurrence (a bare `select` with no
 * `=` there means none); other keys without a value are dropped. `rangeHeader` is a GET's Range.
 */
export function parseQuery(pairs: [string, string | null][], isRpcRead = false, rangeHeader?: string): QueryParts {
  const parts: QueryParts = { select: undefined, selected: [], columns: null, onConflict: null, filters: [], logic: [], order: [], limit: [], offset: [], plain: [] };
  const firstValue = (name: string) => pairs.find(([k]) => k === name)?.[1] ?? undefined;
  parts.select = firstValue('select');
  const onConflict = firstValue('on_conflict');
  const limits: [string, string][] = [];
  const offsets: [string, string][] = [];
  const filters: [string, string][] = [];
  // QueryParams.parse reads order, then and/or, then columns, then select, then filters, then on_conflict.
  for (const [key, value] of pairs) {
    if (value === null || key === 'select' || key === 'columns' || key === 'on_conflict') continue;
    if (isLogicKey(key)) continue;
    if (lastWord(key) === 'order') parts.order.push({ path: treePath(key, 'tree path').path, value: parseOrder(value) });
    else if (lastWord(key) === 'limit') limits.push([key, value]);
    else if (lastWord(key) === 'offset') offsets.push([key, value]);
    else filters.push([key, value]);
  }
  for (const [key, value] of pairs) {
    if (value === null || !isLogicKey(key)) continue;
    const { path, op } = parseLogicKey(key);
    parts.logic.push({ path, value: parseLogicTree(op, value) });
  }
  const columns = firstValue('columns');
  if (columns !== undefined) parts.columns = parseColumns(columns, 'columns');
  parts.selected = parseSelect(parts.select);
  for (const [key, value] of filters) {
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
  if (onConflict !== undefined) parts.onConflict = parseColumns(onConflict, 'on_conflict');
  // Plan.hs addOrders folds from the right: of two `order` keys for one level the first one wins.
  parts.order.reverse();
  const ranges = queryRanges(limits, offsets);
  ranges.set('limit', topLevelRange(ranges.get('limit'), rangeHeader));
  for (const [key, range] of ranges) {
    const path = key === 'limit' ? [] : treePath(key, 'tree path').path;
    const { limit, offset } = limitOffset(range);
    if (limit !== null) parts.limit.push({ path, value: limit });
    if (offset !== null) parts.offset.push({ path, value: offset });
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

import { RestError } from './errors.ts';

/** Query keys PostgREST reserves; every other key is a filter (or, for GET rpc, an argument). */
export const RESERVED_PARAMS = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict', 'and', 'or']);

export type FilterOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'in' | 'is';
const OPS = new Set<string>(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'in', 'is']);
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';
const IS_VALUES = new Set<string>(['null', 'not_null', 'true', 'false', 'unknown']);

export type Filter =
  | { column: string; negate: boolean; op: Exclude<FilterOp, 'in' | 'is'>; value: string }
  | { column: string; negate: boolean; op: 'in'; values: string[] }
  | { column: string; negate: boolean; op: 'is'; value: IsValue };

export interface SelectItem {
  column: string;
  alias: string | null;
}
/** null = `*` */
export type Selection = SelectItem[] | null;

export interface OrderTerm {
  column: string;
  direction: 'asc' | 'desc';
  nulls: 'first' | 'last' | null;
}

export interface Prefer {
  return: 'minimal' | 'representation' | 'headers-only' | null;
  count: 'exact' | null;
  resolution: 'merge-duplicates' | 'ignore-duplicates' | null;
  missingDefault: boolean;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function parseError(message: string, details: string | null = null): RestError {
  return new RestError(400, 'PGRST100', message, details);
}

function columnName(raw: string, what: string): string {
  const name = raw.trim();
  const quoted = /^"((?:[^"]|"")+)"$/.exec(name);
  if (quoted?.[1]) return quoted[1].replace(/""/g, '"');
  if (!IDENT.test(name)) throw parseError(`"failed to parse ${what} (${raw})" (line 1, column 1)`, `unexpected "${name.charAt(0) || ' '}" expecting column name`);
  return name;
}

/** `select=*`, `select=a,b`, `select=alias:col`. Embedded resources and JSON paths are not supported. */
export function parseSelect(raw: string | undefined): Selection {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '*') return null;
  const items: SelectItem[] = [];
  for (const part of raw.split(',')) {
    const piece = part.trim();
    if (piece === '*') return null;
    if (/[()]/.test(piece) || piece.includes('->')) {
      throw parseError(`"failed to parse select parameter (${raw})" (line 1, column 1)`, 'embedded resources and JSON paths are not supported by the local stack');
    }
    const colon = piece.indexOf(':');
    if (colon > 0 && piece.charAt(colon + 1) !== ':') {
      items.push({ alias: columnName(piece.slice(0, colon), 'select parameter'), column: columnName(piece.slice(colon + 1), 'select parameter') });
    } else {
      items.push({ alias: null, column: columnName(piece, 'select parameter') });
    }
  }
  return items;
}

/** Splits `in.(a,"b,c",d)` respecting double quotes. */
export function parseInList(raw: string): string[] {
  const m = /^\((.*)\)$/s.exec(raw);
  if (!m) throw parseError(`"failed to parse filter (in.${raw})" (line 1, column 4)`, 'unexpected end of input expecting "("');
  const body = m[1] ?? '';
  if (body === '') return [];
  const values: string[] = [];
  let current = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (quoted) {
      if (ch === '\\' && i + 1 < body.length) current += body.charAt(++i);
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') {
      values.push(wasQuoted ? current : current.trim());
      current = '';
      wasQuoted = false;
    } else current += ch;
  }
  values.push(wasQuoted ? current : current.trim());
  return values;
}

/** `col=op.value` and `col=not.op.value`. */
export function parseFilter(key: string, raw: string): Filter {
  const column = columnName(key, 'filter');
  let rest = raw;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  const value = dot < 0 ? '' : rest.slice(dot + 1);
  if (dot < 0 || !OPS.has(op)) {
    throw parseError(`"failed to parse filter (${raw})" (line 1, column ${negate ? 5 : 1})`, `unexpected "${op.charAt(0) || ' '}" expecting "not" or operator (eq, gt, ...)`);
  }
  if (op === 'in') return { column, negate, op, values: parseInList(value) };
  if (op === 'is') {
    if (!IS_VALUES.has(value.toLowerCase())) {
      throw parseError(`"failed to parse filter (${raw})" (line 1, column ${negate ? 8 : 4})`, 'unexpected value expecting null or trilean value (unknown, true, false)');
    }
    return { column, negate, op, value: value.toLowerCase() as IsValue };
  }
  return { column, negate, op: op as Exclude<FilterOp, 'in' | 'is'>, value };
}

/** `order=a.desc.nullslast,b` */
export function parseOrder(raw: string | undefined): OrderTerm[] {
  if (!raw) return [];
  return raw.split(',').map((term) => {
    const [col = '', ...mods] = term.trim().split('.');
    let direction: OrderTerm['direction'] = 'asc';
    let nulls: OrderTerm['nulls'] = null;
    for (const mod of mods) {
      if (mod === 'asc' || mod === 'desc') direction = mod;
      else if (mod === 'nullsfirst') nulls = 'first';
      else if (mod === 'nullslast') nulls = 'last';
      else throw parseError(`"failed to parse order (${raw})" (line 1, column 1)`, `unexpected "${mod}" expecting "asc", "desc", "nullsfirst" or "nullslast"`);
    }
    return { column: columnName(col, 'order'), direction, nulls };
  });
}

export function parseNonNegativeInt(raw: string | undefined, what: 'limit' | 'offset'): number | null {
  if (raw === undefined || raw === '') return null;
  if (!/^\d+$/.test(raw)) throw parseError(`"failed to parse ${what} parameter (${raw})" (line 1, column 1)`, 'unexpected input expecting digit');
  return Number(raw);
}

export function parsePrefer(header: string | undefined): Prefer {
  const prefer: Prefer = { return: null, count: null, resolution: null, missingDefault: false };
  for (const token of (header ?? '').split(/[,;]/)) {
    const [k, v] = token.trim().split('=').map((s) => s.trim());
    if (k === 'return' && (v === 'minimal' || v === 'representation' || v === 'headers-only')) prefer.return = v;
    else if (k === 'count' && (v === 'exact' || v === 'planned' || v === 'estimated')) prefer.count = 'exact';
    else if (k === 'resolution' && (v === 'merge-duplicates' || v === 'ignore-duplicates')) prefer.resolution = v;
    else if (k === 'missing' && v === 'default') prefer.missingDefault = true;
  }
  return prefer;
}

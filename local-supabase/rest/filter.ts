import type { Cursor } from './cursor.ts';

// PostgREST's filter grammar (src/PostgREST/ApiRequest/QueryParams.hs, v14): field names, JSON
// paths, and the operator expression after `col=`. Parsing never throws anything but PGRST100.

export type QuantOp = 'eq' | 'gte' | 'gt' | 'lte' | 'lt' | 'like' | 'ilike' | 'match' | 'imatch';
export type SimpleOp = 'neq' | 'cs' | 'cd' | 'ov' | 'sl' | 'sr' | 'nxr' | 'nxl' | 'adj';
export type FtsOp = 'fts' | 'plfts' | 'phfts' | 'wfts';
export type IsValue = 'null' | 'not_null' | 'true' | 'false' | 'unknown';

export interface JsonStep {
  arrow: '->' | '->>';
  /** a key, or an index like `+1` / `-2` */
  key: string;
  index: boolean;
}
export interface Field {
  name: string;
  json: JsonStep[];
}

export type Operation =
  | { kind: 'quant'; op: QuantOp; quant: 'any' | 'all' | null; value: string }
  | { kind: 'simple'; op: SimpleOp; value: string }
  | { kind: 'in'; values: string[] }
  | { kind: 'is'; value: IsValue }
  | { kind: 'isdistinct'; value: string }
  | { kind: 'fts'; op: FtsOp; lang: string | null; value: string };

export interface Filter {
  field: Field;
  negate: boolean;
  operation: Operation;
  /** `embed=is.null`: set by the plan when the field names an embedding (its lateral alias) */
  embedAlias?: string;
}

// Order matters as in PostgREST: longer names first where one is a prefix of another.
const SIMPLE_OPS: SimpleOp[] = ['neq', 'cs', 'cd', 'ov', 'sl', 'sr', 'nxr', 'nxl', 'adj'];
const QUANT_OPS: QuantOp[] = ['eq', 'gte', 'gt', 'lte', 'lt', 'like', 'ilike', 'match', 'imatch'];
const FTS_OPS: FtsOp[] = ['fts', 'plfts', 'phfts', 'wfts'];
const IS_VALUES: IsValue[] = ['null', 'not_null', 'true', 'false', 'unknown'];

const IDENT_CHAR = /^[\p{L}0-9_ $]$/u;

/** `"quoted \" value"` (backslash escapes any character). Returns null when no quote comes next. */
export function quotedValue(c: Cursor): string | null {
  if (c.peek() !== '"') return null;
  const start = c.pos;
  c.pos++;
  let out = '';
  while (!c.done && c.peek() !== '"') {
    if (c.peek() === '\\') {
      c.pos++;
      if (c.done) break;
    }
    out += c.peek();
    c.pos++;
  }
  if (!c.eat('"')) throw c.fail('"\\"" or any character', c.done ? c.pos : start);
  return out;
}

function identifier(c: Cursor): string | null {
  const start = c.pos;
  while (!c.done && IDENT_CHAR.test(c.peek())) c.pos++;
  return c.pos > start ? c.text.slice(start, c.pos).trim() : null;
}

/** identifiers joined by `-` (a `-` followed by `>` starts a JSON arrow instead). */
function dashed(c: Cursor, part: (c: Cursor) => string | null): string | null {
  const first = part(c);
  if (first === null) return null;
  const parts = [first];
  while (c.peek() === '-' && c.peek(1) !== '>') {
    const save = c.pos;
    c.pos++;
    const next = part(c);
    if (next === null) {
      c.pos = save;
      break;
    }
    parts.push(next);
  }
  return parts.join('-');
}

/** A column or relation name: quoted, or letters, digits, `_`, ` `, `$` (and inner dashes). */
export function fieldName(c: Cursor): string {
  const quoted = quotedValue(c);
  if (quoted !== null) return quoted;
  const name = dashed(c, identifier);
  if (name === null) throw c.fail('field name (* or [a..z0..9_$])');
  return name;
}

function jsonKey(c: Cursor): string | null {
  const quoted = quotedValue(c);
  if (quoted !== null) return quoted;
  return dashed(c, (cc) => {
    const start = cc.pos;
    while (!cc.done && !'(-:.,>)'.includes(cc.peek())) cc.pos++;
    return cc.pos > start ? cc.text.slice(start, cc.pos).trim() : null;
  });
}

export function jsonPath(c: Cursor): JsonStep[] {
  const steps: JsonStep[] = [];
  for (;;) {
    const arrow = c.startsWith('->>') ? '->>' : c.startsWith('->') ? '->' : null;
    if (!arrow) return steps;
    c.pos += arrow.length;
    const idx = /^-?[0-9]+/.exec(c.rest());
    const after = idx ? c.text.slice(c.pos + idx[0].length) : '';
    if (idx && (after === '' || ['->', '::', '.', ','].some((e) => after.startsWith(e)))) {
      c.pos += idx[0].length;
      steps.push({ arrow, key: idx[0].startsWith('-') ? idx[0] : `+${idx[0]}`, index: true });
      continue;
    }
    // `->>-x`: a negative index missing its digits (PostgREST: unexpected "-" expecting digit)
    if (c.peek() === '-' && !/[0-9]/.test(c.peek(1))) throw c.fail('digit', c.pos + 1);
    const key = jsonKey(c);
    if (key === null) throw c.fail('"-", digit or any non reserved character different from: .,>()');
    steps.push({ arrow, key, index: false });
  }
}

/** `name->json->>path`, with spaces around skipped. */
export function field(c: Cursor): Field {
  c.skipSpaces();
  const name = fieldName(c);
  const json = jsonPath(c);
  c.skipSpaces();
  return { name, json };
}

function isValue(c: Cursor): IsValue {
  for (const v of IS_VALUES) {
    if (c.rest().slice(0, v.length).toLowerCase() === v) {
      c.pos += v.length;
      return v;
    }
  }
  throw c.fail('isVal: (null, not_null, true, false, unknown)');
}

/** `(a,"b,c",d)` for `in`. Elements keep their spaces, as in PostgREST. */
export function listValue(c: Cursor): string[] {
  c.skipSpaces();
  if (!c.eat('(')) throw c.fail('"("');
  c.skipSpaces();
  const values: string[] = [];
  for (;;) {
    const save = c.pos;
    const quoted = quotedValue(c);
    if (quoted !== null && (c.done || c.peek() === ',' || c.peek() === ')')) values.push(quoted);
    else {
      c.pos = save;
      const start = c.pos;
      while (!c.done && c.peek() !== ',' && c.peek() !== ')') c.pos++;
      values.push(c.text.slice(start, c.pos));
    }
    if (!c.eat(',')) break;
  }
  c.skipSpaces();
  if (!c.eat(')')) throw c.fail('"," or ")"');
  c.skipSpaces();
  return values;
}

export type ValueReader = (c: Cursor) => string;

/** The whole rest of a top-level filter value. */
export const wholeValue: ValueReader = (c) => {
  const v = c.rest();
  c.pos = c.text.length;
  return v;
};

/** A value inside `or=(…)`: quoted, a `{…}` array literal, or everything up to `,` or `)`. */
export const logicValue: ValueReader = (c) => {
  const save = c.pos;
  const quoted = quotedValue(c);
  if (quoted !== null && (c.done || c.peek() === ',' || c.peek() === ')')) return quoted;
  c.pos = save;
  const array = /^\{[^{}]*\}/.exec(c.rest());
  if (array) {
    c.pos += array[0].length;
    return array[0];
  }
  const start = c.pos;
  while (!c.done && c.peek() !== ',' && c.peek() !== ')') c.pos++;
  return c.text.slice(start, c.pos);
};

function word<T extends string>(c: Cursor, words: T[]): T | null {
  for (const w of words) if (c.startsWith(w)) return w;
  return null;
}

/** `[not.]op[(any|all)|(lang)].value`, `in.(…)`, `is.null` … */
export function opExpr(c: Cursor, value: ValueReader): { negate: boolean; operation: Operation } {
  const negate = c.eat('not.');
  const at = c.pos;
  if (c.eat('in.')) return { negate, operation: { kind: 'in', values: listValue(c) } };
  if (c.eat('is.')) return { negate, operation: { kind: 'is', value: isValue(c) } };
  if (c.eat('isdistinct.')) return { negate, operation: { kind: 'isdistinct', value: value(c) } };
  const fts = word(c, FTS_OPS);
  if (fts) {
    c.pos += fts.length;
    let lang: string | null = null;
    const m = /^\(([\p{L}0-9_ $]+)\)/u.exec(c.rest());
    if (m?.[1]) {
      lang = m[1].trim();
      c.pos += m[0].length;
    }
    if (c.eat('.')) return { negate, operation: { kind: 'fts', op: fts, lang, value: value(c) } };
    c.pos = at;
  }
  const simple = word(c, SIMPLE_OPS);
  if (simple && c.text.charAt(c.pos + simple.length) === '.') {
    c.pos += simple.length + 1;
    return { negate, operation: { kind: 'simple', op: simple, value: value(c) } };
  }
  const quant = word(c, QUANT_OPS);
  if (quant) {
    c.pos += quant.length;
    const q = c.eat('(any)') ? 'any' : c.eat('(all)') ? 'all' : null;
    if (c.eat('.')) return { negate, operation: { kind: 'quant', op: quant, quant: q, value: value(c) } };
    c.pos = at;
  }
  throw c.fail(negate ? 'operator (eq, gt, ...)' : '"not" or operator (eq, gt, ...)', at);
}

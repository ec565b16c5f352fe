import { Cursor, MAX_EMBED_DEPTH, tooDeep } from './cursor.ts';
import type { Field } from './filter.ts';
import { field, fieldName } from './filter.ts';

// `select=` as PostgREST parses it (pFieldForest): columns, `*`, aliases, JSON paths, casts,
// aggregates (refused unless the authenticator role enables them, as on Supabase), embedded
// relations and spreads.

export type Aggregate = 'sum' | 'avg' | 'count' | 'max' | 'min';

export interface SelectField {
  type: 'field';
  field: Field;
  alias: string | null;
  cast: string | null;
  aggregate: Aggregate | null;
  /** `col.sum()::text`: the cast of the aggregate's result */
  aggregateCast?: string | null;
}
export interface SelectStar {
  type: 'star';
}
export interface SelectRelation {
  type: 'relation';
  name: string;
  alias: string | null;
  hint: string | null;
  join: 'inner' | 'left' | null;
  spread: boolean;
  children: SelectItem[];
}
export type SelectItem = SelectField | SelectStar | SelectRelation;

const CAST = /^::([\p{L}0-9_ $]+)/u;

function atEnd(c: Cursor): boolean {
  return c.done || c.peek() === ')' || c.peek() === ',';
}

/** `alias:` when it comes next (a `::` is a cast, not an alias). */
function alias(c: Cursor): string | null {
  const save = c.pos;
  try {
    const name = fieldName(c);
    if (c.peek() === ':' && c.peek(1) !== ':') {
      c.pos++;
      return name;
    }
  } catch {
    // not an alias
  }
  c.pos = save;
  return null;
}

function embedParams(c: Cursor): { hint: string | null; join: 'inner' | 'left' | null } {
  let hint: string | null = null;
  let join: 'inner' | 'left' | null = null;
  for (let i = 0; i < 2 && c.peek() === '!'; i++) {
    c.pos++;
    if (/^left(?![\p{L}0-9_ $])/u.test(c.rest()) && !join) {
      c.pos += 4;
      join = 'left';
    } else if (/^inner(?![\p{L}0-9_ $])/u.test(c.rest()) && !join) {
      c.pos += 5;
      join = 'inner';
    } else hint = fieldName(c);
  }
  return { hint, join };
}

/** Tries `[...]name[!hint][!inner](`; leaves the cursor before `(` or restores it. */
function relationHead(c: Cursor): Omit<SelectRelation, 'children' | 'type'> | null {
  const save = c.pos;
  try {
    c.skipSpaces();
    const spread = c.eat('...');
    const a = spread ? null : alias(c);
    const name = fieldName(c);
    if (!spread && name === 'count') throw new Error('count is an aggregate');
    const { hint, join } = embedParams(c);
    if (c.peek() !== '(') throw new Error('not a relation');
    return { name, alias: a, hint, join, spread };
  } catch {
    c.pos = save;
    return null;
  }
}

function selectField(c: Cursor): SelectItem {
  c.skipSpaces();
  if (c.peek() === '*') {
    c.pos++;
    c.skipSpaces();
    if (!atEnd(c)) throw c.fail('")", "," or end of input');
    return { type: 'star' };
  }
  const a = alias(c);
  if (c.eat('count()')) {
    const cast = CAST.exec(c.rest());
    if (cast) c.pos += cast[0].length;
    c.skipSpaces();
    if (!atEnd(c)) throw c.fail('"::", ")", "," or end of input');
    return { type: 'field', field: { name: '*', json: [] }, alias: a, cast: null, aggregate: 'count', aggregateCast: cast?.[1]?.trim() ?? null };
  }
  const f = field(c);
  let cast: string | null = null;
  const m = CAST.exec(c.rest());
  if (m?.[1]) {
    cast = m[1].trim();
    c.pos += m[0].length;
  }
  let aggregate: Aggregate | null = null;
  let aggregateCast: string | null = null;
  const agg = /^\.(sum|avg|count|max|min)\(\)/.exec(c.rest());
  if (agg?.[1]) {
    aggregate = agg[1] as Aggregate;
    c.pos += agg[0].length;
    const aggCast = CAST.exec(c.rest());
    if (aggCast?.[1]) {
      aggregateCast = aggCast[1].trim();
      c.pos += aggCast[0].length;
    }
  }
  c.skipSpaces();
  if (!atEnd(c)) throw c.fail('"->>", "->", "::", ".", ")", "," or end of input');
  return { type: 'field', field: f, alias: a, cast, aggregate, ...(aggregate ? { aggregateCast } : {}) };
}

function forest(c: Cursor, depth: number): SelectItem[] {
  const items: SelectItem[] = [];
  c.skipSpaces();
  // `select=` and `rel()` are empty forests.
  if (c.done || c.peek() === ')') return items;
  for (;;) {
    const head = relationHead(c);
    if (head) {
      if (depth >= MAX_EMBED_DEPTH) throw tooDeep(c.source, c.pos + 1, MAX_EMBED_DEPTH);
      c.pos++;
      const children = forest(c, depth + 1);
      if (!c.eat(')')) throw c.fail('"," or ")"');
      c.skipSpaces();
      items.push({ type: 'relation', ...head, children });
    } else items.push(selectField(c));
    if (!c.eat(',')) break;
    c.skipSpaces();
  }
  return items;
}

/** Parses `select=`; like PostgREST, input after a complete forest (e.g. a stray `)`) is ignored. */
export function parseSelect(raw: string | undefined): SelectItem[] {
  const text = raw ?? '*';
  return forest(new Cursor(text, `failed to parse select parameter (${text})`), 0);
}

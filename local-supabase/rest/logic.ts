import { Cursor, MAX_LOGIC_DEPTH, tooDeep } from './cursor.ts';
import type { Filter } from './filter.ts';
import { field, fieldName, logicValue, opExpr } from './filter.ts';

/** `or=(…)` / `and=(…)` logic trees, possibly nested and negated. */
export interface LogicTree {
  logic: 'and' | 'or';
  negate: boolean;
  items: Condition[];
}
export type Condition = Filter | LogicTree;

export function isLogicTree(c: Condition): c is LogicTree {
  return 'logic' in c;
}

const EXPR_START = /^(not\.)?(and|or)\s*\(/;

/** `depth` counts and/or operators; a filter inside the deepest one is not a level of its own. */
function tree(c: Cursor, depth: number): Condition {
  const m = EXPR_START.exec(c.rest());
  if (!m) {
    c.skipSpaces();
    if (c.peek() !== '"' && !/^[\p{L}0-9_ $]/u.test(c.peek())) {
      throw c.fail('field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)');
    }
    const f = field(c);
    if (!c.eat('.')) throw c.fail('delimiter (.)');
    const { negate, operation } = opExpr(c, logicValue);
    return { field: f, negate, operation };
  }
  if (depth > MAX_LOGIC_DEPTH) throw tooDeep(c.source, c.pos + 1, MAX_LOGIC_DEPTH);
  const negate = c.eat('not.');
  const logic = c.eat('and') ? 'and' : (c.eat('or'), 'or');
  c.skipSpaces();
  c.eat('(');
  c.skipSpaces();
  const items: Condition[] = [];
  for (;;) {
    items.push(tree(c, depth + 1));
    c.skipSpaces();
    if (!c.eat(',')) break;
    c.skipSpaces();
  }
  if (!c.eat(')')) throw c.fail('"," or ")"');
  c.skipSpaces();
  return { logic, negate, items };
}

/** `or` / `not.and` / `tickets.or` → the embedding path and the operator. */
export function parseLogicKey(key: string): { path: string[]; op: 'and' | 'or' | 'not.and' | 'not.or' } {
  const c = new Cursor(key, `failed to parse logic path (${key})`);
  const parts = [fieldName(c)];
  while (c.eat('.')) parts.push(fieldName(c));
  const last = parts[parts.length - 1] as 'and' | 'or';
  const negated = parts.slice(0, -1).includes('not');
  return { path: parts.slice(0, -1).filter((p) => p !== 'not'), op: negated ? `not.${last}` : last };
}

/** The value of `or=`/`and=` (key given without its path), e.g. `(a.eq.1,and(b.gt.2,c.is.null))`. */
export function parseLogicTree(op: string, raw: string): LogicTree {
  const c = new Cursor(`${op}${raw}`, `failed to parse logic tree (${raw})`);
  const result = tree(c, 1);
  if (!isLogicTree(result)) throw c.fail('"("');
  return result;
}

/** Whether a query key is a logic tree (`or`, `and`, `not.or`, `tickets.or` …). */
export function isLogicKey(key: string): boolean {
  const last = key.slice(key.lastIndexOf('.') + 1);
  return last === 'or' || last === 'and';
}

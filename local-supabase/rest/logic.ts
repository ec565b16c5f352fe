import type { Filter } from './params.ts';
import { parseError, parseFilter } from './params.ts';

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

/** Splits on commas that are outside parentheses and double quotes. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** `or=(a.eq.1,and(b.gt.2,c.is.null))` with key `or`, `and`, `not.or` or `not.and`. */
export function parseLogicTree(key: string, raw: string): LogicTree {
  const negate = key.startsWith('not.');
  const logic = (negate ? key.slice(4) : key) as 'and' | 'or';
  const m = /^\((.*)\)$/s.exec(raw.trim());
  if (!m || m[1] === undefined || m[1].trim() === '') {
    throw parseError(`"failed to parse logic tree (${raw})" (line 1, column 1)`, 'unexpected end of input expecting "("');
  }
  const items = splitTopLevel(m[1]).map((item): Condition => {
    const text = item.trim();
    const nested = /^(not\.)?(and|or)(\(.*\))$/s.exec(text);
    if (nested) return parseLogicTree(`${nested[1] ?? ''}${nested[2]}`, nested[3] ?? '');
    const dot = text.indexOf('.');
    if (dot <= 0) throw parseError(`"failed to parse logic tree (${raw})" (line 1, column 1)`, `unexpected "${text}" expecting a filter`);
    const value = text.slice(dot + 1).replace(/^((?:not\.)?[a-z]+\.)"(.*)"$/s, '$1$2');
    return parseFilter(text.slice(0, dot), value);
  });
  return { logic, negate, items };
}

export function isLogicKey(key: string): boolean {
  return key === 'or' || key === 'and' || key === 'not.or' || key === 'not.and';
}

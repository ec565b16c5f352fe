// Parsing of postgres_changes binding params, after Realtime's
// Extensions.PostgresCdcRls.Subscriptions.parse_subscription_params/1. Only the operators of the
// Realtime release the Supabase CLI pins (v2.102.1) are accepted; any other operator produces the
// same "Error parsing `filter` params" system error that release sends.

export type FilterOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in';
export const FILTER_OPS: readonly FilterOp[] = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in'];
export const MAX_IN_VALUES = 100;

export interface Condition {
  column: string;
  op: FilterOp;
  /** Postgres literal: the plain value, or an array literal `{a,b}` for `in`. */
  value: string;
}

export type Action = '*' | 'INSERT' | 'UPDATE' | 'DELETE';

export interface SubscriptionParams {
  action: Action;
  schema: string;
  table: string;
  conditions: Condition[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

// Elixir's inspect/1 of a list of strings, which is how Realtime reports unparsable segments.
export function inspectList(parts: string[]): string {
  return `[${parts.map((p) => JSON.stringify(p)).join(', ')}]`;
}

function inspectValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return `[${value.map(inspectValue).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${JSON.stringify(k)} => ${inspectValue(v)}`,
    );
    return `%{${entries.join(', ')}}`;
  }
  return String(value);
}

export function splitTopLevel(filter: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  let prev = '';
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < filter.length) {
        current += ch + filter[i + 1]!;
        prev = filter[i + 1]!;
        i++;
        continue;
      }
      if (ch === '"') quoted = false;
      current += ch;
      prev = ch;
      continue;
    }
    if (ch === '"' && (prev === '.' || prev === '(' || prev === ',')) {
      quoted = true;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
    } else if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
      prev = '';
      continue;
    }
    current += ch;
    prev = ch;
  }
  out.push(current);
  return out;
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let acc = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') return i === value.length - 1 ? acc : value;
    if (ch === '\\' && i + 1 < value.length) {
      acc += value[i + 1]!;
      i++;
      continue;
    }
    acc += ch;
  }
  return value;
}

function parseSegment(segment: string): ParseResult<Condition> {
  const trimmed = segment.trim();
  if (trimmed === '') return { ok: false, error: 'filter must not contain empty segments (check for extra commas)' };
  const eq = trimmed.indexOf('=');
  if (eq < 0) return { ok: false, error: inspectList([trimmed]) };
  const column = trimmed.slice(0, eq);
  const opValue = trimmed.slice(eq + 1);
  const dot = opValue.indexOf('.');
  if (dot < 0) return { ok: false, error: inspectList([opValue]) };
  const op = opValue.slice(0, dot);
  const value = opValue.slice(dot + 1);
  if (!(FILTER_OPS as readonly string[]).includes(op)) return { ok: false, error: inspectList([op, value]) };
  if (op === 'in') {
    if (value.length < 2 || !value.startsWith('(') || !value.endsWith(')')) {
      return { ok: false, error: '`in` filter value must be wrapped by parentheses' };
    }
    return { ok: true, value: { column, op: 'in', value: `{${value.slice(1, -1)}}` } };
  }
  return { ok: true, value: { column, op: op as FilterOp, value: unquote(value) } };
}

export function parseFilter(filter: string): ParseResult<Condition[]> {
  const trimmed = filter.trim();
  if (trimmed === '') return { ok: true, value: [] };
  const conditions: Condition[] = [];
  for (const segment of splitTopLevel(trimmed)) {
    const parsed = parseSegment(segment);
    if (!parsed.ok) return parsed;
    conditions.push(parsed.value);
  }
  return { ok: true, value: conditions };
}

function toAction(event: unknown): Action {
  if (typeof event !== 'string') return '*';
  const up = event.toUpperCase();
  return up === 'INSERT' || up === 'UPDATE' || up === 'DELETE' ? up : '*';
}

export function parseSubscriptionParams(params: Record<string, unknown>): ParseResult<SubscriptionParams> {
  const action = toAction(params.event);
  const { schema, table, filter } = params;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(params, k);
  const ok = (s: string, t: string, conditions: Condition[]): ParseResult<SubscriptionParams> => ({
    ok: true,
    value: { action, schema: s, table: t, conditions },
  });
  if (typeof schema === 'string' && typeof table === 'string' && typeof filter === 'string') {
    const parsed = parseFilter(filter);
    if (!parsed.ok) return { ok: false, error: `Error parsing \`filter\` params: ${parsed.error}` };
    return ok(schema, table, parsed.value);
  }
  if (typeof schema === 'string' && typeof table === 'string' && !has('filter')) return ok(schema, table, []);
  if (typeof schema === 'string' && !has('table') && !has('filter')) return ok(schema, '*', []);
  if (typeof table === 'string' && !has('schema') && !has('filter')) return ok('public', table, []);
  const shown = has('user_token') || has('auth_token') ? '<redacted>' : inspectValue(params);
  return {
    ok: false,
    error: `No subscription params provided. Please provide at least a \`schema\` or \`table\` to subscribe to: ${shown}`,
  };
}

/** Splits a Postgres array literal `{a,"b,c"}` into its elements (for the 100-value cap). */
export function arrayLiteralLength(literal: string): number {
  const inner = literal.slice(1, -1);
  if (inner.trim() === '') return 0;
  let count = 1;
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) count++;
  }
  return count;
}

// How Realtime logs the params in "Unable to subscribe ..." messages (params_to_log/1).
export function paramsToLog(p: SubscriptionParams): string {
  const filters = `[${p.conditions
    .map((c) => `{${JSON.stringify(c.column)}, ${JSON.stringify(c.op)}, ${JSON.stringify(c.value)}}`)
    .join(', ')}]`;
  return `event: ${p.action}, schema: ${p.schema}, table: ${p.table}, filters: ${filters}`;
}

import { RestError } from './errors.ts';
import { EXPOSED_SCHEMA } from './exposed.ts';
import { fuzzyBest } from './fuzzy.ts';

// Functions as PostgREST's schema cache sees them, and findProc's overload rules (Plan.hs).

export interface FnArg {
  name: string;
  type: string;
  hasDefault: boolean;
  variadic: boolean;
}

export interface FnInfo {
  name: string;
  args: FnArg[];
  /** 'v' volatile, 's' stable, 'i' immutable */
  volatility: 'v' | 's' | 'i';
  returnsSet: boolean;
  /** rows are objects (composite, TABLE, OUT params) rather than bare values */
  returnsComposite: boolean;
  returnsVoid: boolean;
  /** exactly one parameter and it has no name: it receives the whole body */
  singleUnnamed: boolean;
  /** composite results of this table's type (so they can embed its relationships) */
  returnsTable: string | null;
}

export interface FnRow {
  name: string;
  volatility: 'v' | 's' | 'i';
  retset: boolean;
  nargdefaults: number;
  argnames: string[] | null;
  argmodes: string[] | null;
  alltypes: string[];
  ret_typtype: string;
  ret_type: string;
  ret_table: string | null;
}

export const FUNCTIONS_SQL = `
select p.proname as name, p.provolatile as volatility, p.proretset as retset, p.pronargdefaults as nargdefaults,
       p.proargnames as argnames, p.proargmodes::text[] as argmodes,
       array(select format_type(t.oid, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
               with ordinality as a(oid, ord) join pg_type t on t.oid = a.oid order by a.ord) as alltypes,
       rt.typtype as ret_typtype, format_type(p.prorettype, null) as ret_type,
       (select c.relname from pg_class c where c.oid = rt.typrelid and c.relnamespace = p.pronamespace
           and c.relkind in ('r', 'v', 'm', 'f', 'p')) as ret_table
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_type rt on rt.oid = p.prorettype
 where n.nspname = $1 and p.prokind = 'f' and p.prorettype <> 'trigger'::regtype`;

/** Pure: turns a catalog row into the call signature PostgREST would see. */
export function toFnInfo(row: FnRow): FnInfo {
  const modes = row.argmodes ?? row.alltypes.map(() => 'i');
  const names = row.argnames ?? [];
  const inputs: { name: string; type: string; variadic: boolean }[] = [];
  modes.forEach((mode, i) => {
    if (mode === 'i' || mode === 'b' || mode === 'v') inputs.push({ name: names[i] ?? '', type: row.alltypes[i] ?? 'text', variadic: mode === 'v' });
  });
  const firstDefault = inputs.length - row.nargdefaults;
  const args = inputs.map((a, i) => ({ ...a, hasDefault: i >= firstDefault }));
  const hasOutArgs = modes.some((m) => m === 'o' || m === 'b' || m === 't');
  return {
    name: row.name,
    args,
    volatility: row.volatility,
    returnsSet: row.retset,
    returnsComposite: row.ret_typtype === 'c' || row.ret_type === 'record' || hasOutArgs,
    returnsVoid: row.ret_type === 'void',
    singleUnnamed: args.length === 1 && args[0]?.name === '',
    returnsTable: row.ret_table,
  };
}

/**
 * PostgREST exposes a function only when all its parameters have names, or exactly one has none
 * and that one is bytea, json, jsonb, text or xml (it then takes the whole request body).
 */
export function isCallable(fn: FnInfo): boolean {
  const unnamed = fn.args.filter((a) => a.name === '');
  if (unnamed.length === 0) return true;
  return unnamed.length === 1 && ['bytea', 'json', 'jsonb', 'text', 'xml'].includes(unnamed[0]?.type ?? '');
}

/** The order PostgREST keeps overloads in (fewest parameters first, then by parameters). */
export function compareOverloads(a: FnInfo, b: FnInfo): number {
  if (a.args.length !== b.args.length) return a.args.length - b.args.length;
  for (let i = 0; i < a.args.length; i++) {
    const x = a.args[i];
    const y = b.args[i];
    if (!x || !y) break;
    if (x.name !== y.name) return x.name < y.name ? -1 : 1;
    if (x.type !== y.type) return x.type < y.type ? -1 : 1;
  }
  return 0;
}

/** The media type of an RPC body, as far as choosing a single-unnamed-parameter function goes. */
export type BodyKind = 'json' | 'text' | 'xml' | 'bytea' | 'other';

/** matchesParams: required parameters all given, every key a parameter (PostgREST's overload rule). */
export function fnAccepts(fn: FnInfo, keys: string[], isPost = true, body: BodyKind = 'json'): boolean {
  const given = new Set(keys);
  if (fn.args.length === 0) return given.size === 0 && !(isPost && (body === 'text' || body === 'xml' || body === 'bytea'));
  const optional = new Set(fn.args.filter((a) => a.hasDefault).map((a) => a.name));
  const required = new Set(fn.args.filter((a) => !a.hasDefault).map((a) => a.name));
  const rest = [...given].filter((k) => !optional.has(k));
  return rest.length === required.size && rest.every((k) => required.has(k));
}

/** A single unnamed parameter of the body's type, which takes the whole body of a POST. */
export function takesWholeBody(fn: FnInfo, isPost: boolean, body: BodyKind): boolean {
  const only = fn.args[0];
  if (!isPost || fn.args.length !== 1 || !only || only.name !== '') return false;
  if (body === 'json') return only.type === 'json' || only.type === 'jsonb';
  return (body === 'text' && only.type === 'text') || (body === 'xml' && only.type === 'xml') || (body === 'bytea' && only.type === 'bytea');
}

/** findProc: the function by name and argument keys (PostgREST's overload rule); PGRST202/PGRST203. */
export function findFunction(functions: Map<string, FnInfo[]>, name: string, keys: string[], isPost = true, body: BodyKind = 'json', schema = EXPOSED_SCHEMA): FnInfo {
  const all = functions.get(name) ?? [];
  const named = all.filter((f) => fnAccepts(f, keys, isPost, body));
  const fallback = all.filter((f) => !named.includes(f) && takesWholeBody(f, isPost, body));
  const [one] = named.length ? named : fallback;
  if ((named.length === 1 || (named.length === 0 && fallback.length === 1)) && one) return one;
  const ambiguous = named.length ? named : fallback;
  if (ambiguous.length > 1) {
    const list = ambiguous.map((f) => `${schema}.${name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`);
    throw new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${list.join(', ')}`, null,
      'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
  }
  throw noFunction(functions, name, keys, isPost, body, all, schema);
}

function noFunction(functions: Map<string, FnInfo[]>, name: string, keys: string[], isPost: boolean, body: BodyKind, overloads: FnInfo[], schema: string): RestError {
  const sorted = [...new Set(keys)].sort();
  const fn = `${schema}.${name}`;
  const rawBody = isPost && (body === 'text' || body === 'xml' || body === 'bytea');
  const withParams = sorted.length ? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}` : ' without parameters';
  const message = `Could not find the function ${fn}${rawBody ? '' : sorted.length ? `(${sorted.join(', ')})` : ' without parameters'} in the schema cache`;
  const searched = rawBody ? ` with a single unnamed ${body} parameter` : isPost && body === 'json' ? `${withParams} or with a single unnamed json/jsonb parameter` : withParams;
  let hint: string | null = null;
  if (!rawBody) {
    const listText = (names: string[]) => `(${[...names].sort().join(', ')})`;
    const near = overloads.length
      ? fuzzyBest(listText(sorted), overloads.map((f) => listText(f.args.map((a) => a.name))), 0.33)
      : fuzzyBest(name, functions.keys(), 0.75);
    if (near) hint = `Perhaps you meant to call the function ${schema}.${overloads.length ? name : ''}${near.value}`;
  }
  return new RestError(404, 'PGRST202', message, `Searched for the function ${fn}${searched}, but no matches were found in the schema cache.`, hint);
}


import type { Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';
import { fuzzyBest } from './fuzzy.ts';
import type { FkRow, Relationship } from './relations.ts';
import { findRelationship, FOREIGN_KEYS_SQL, toRelationships } from './relations.ts';

export const EXPOSED_SCHEMA = 'public';

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

/** A table's column as inserts need it: the type json_to_recordset reads and the default. */
export interface ColumnInfo {
  name: string;
  type: string;
  /** the default expression PostgREST uses for `Prefer: missing=default` */
  default: string | null;
}

interface FnRow {
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

const FUNCTIONS_SQL = `
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

// Columns with PostgREST's idea of their default (identity columns default to their sequence).
const COLUMNS_SQL = `
select c.relname as table_name, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
       case when a.attidentity = 'd' then format('nextval(%L)', pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname))
            when a.attgenerated = 's' then null
            else pg_get_expr(ad.adbin, ad.adrelid) end as "default"
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
 where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p') and a.attnum > 0 and not a.attisdropped
 order by c.relname, a.attnum`;

const PRIMARY_KEYS_SQL = `
select c.relname as table_name, array_agg(a.attname::text order by a.attname) as cols
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid
  join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
 where k.contype = 'p' and c.relnamespace = $1::regnamespace
 group by c.relname`;

// Per-role settings (ALTER ROLE … SET), which PostgREST applies when it impersonates the role.
const ROLE_SETTINGS_SQL = `
select r.rolname as role, s.setconfig as settings
  from pg_db_role_setting s join pg_roles r on r.oid = s.setrole
 where s.setdatabase in (0, (select oid from pg_database where datname = current_database()))
 order by s.setdatabase`;

// PostgREST logs in as `authenticator` and can only become the roles granted to it.
const SWITCHABLE_ROLES_SQL = `
select r.rolname as name from pg_roles r
 where exists (select 1 from pg_roles a where a.rolname = 'authenticator')
   and pg_has_role('authenticator', r.oid, 'MEMBER') and r.rolname <> 'authenticator'`;

const TABLES_SQL = `
select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

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

export class SchemaCache {
  private functions = new Map<string, FnInfo[]>();
  private tables = new Set<string>();
  private columns = new Map<string, ColumnInfo[]>();
  private primaryKeys = new Map<string, string[]>();
  private relationships = new Map<string, Relationship[]>();
  private roles = new Map<string, [string, string][]>();
  private switchable: Set<string> | null = null;
  private loadedAt = 0;

  constructor(private readonly db: Queryable) {}

  async reload(): Promise<void> {
    const fns = await this.db.query<FnRow>(FUNCTIONS_SQL, [EXPOSED_SCHEMA]);
    const tables = await this.db.query<{ name: string }>(TABLES_SQL, [EXPOSED_SCHEMA]);
    const byName = new Map<string, FnInfo[]>();
    for (const row of fns.rows) {
      const info = toFnInfo(row);
      if (isCallable(info)) byName.set(info.name, [...(byName.get(info.name) ?? []), info]);
    }
    for (const list of byName.values()) list.sort(compareOverloads);
    this.functions = byName;
    this.tables = new Set(tables.rows.map((r) => r.name));
    const cols = await this.db.query<ColumnInfo & { table_name: string }>(COLUMNS_SQL, [EXPOSED_SCHEMA]);
    const byTable = new Map<string, ColumnInfo[]>();
    for (const { table_name, ...col } of cols.rows) byTable.set(table_name, [...(byTable.get(table_name) ?? []), col]);
    this.columns = byTable;
    const pks = await this.db.query<{ table_name: string; cols: string[] }>(PRIMARY_KEYS_SQL, [EXPOSED_SCHEMA]);
    this.primaryKeys = new Map(pks.rows.map((r) => [r.table_name, r.cols]));
    const fks = await this.db.query<FkRow>(FOREIGN_KEYS_SQL, [EXPOSED_SCHEMA]);
    this.relationships = toRelationships(fks.rows);
    const roles = await this.db.query<{ role: string; settings: string[] | null }>(ROLE_SETTINGS_SQL);
    const byRole = new Map<string, [string, string][]>();
    for (const { role, settings } of roles.rows) {
      const pairs = (settings ?? []).map((kv): [string, string] => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
      byRole.set(role, [...(byRole.get(role) ?? []), ...pairs.filter(([k]) => k !== '')]);
    }
    this.roles = byRole;
    const switchable = await this.db.query<{ name: string }>(SWITCHABLE_ROLES_SQL);
    this.switchable = switchable.rows.length ? new Set(switchable.rows.map((r) => r.name)) : null;
    this.loadedAt = Date.now();
  }

  /** Whether the authenticator may become this role (unknown without an authenticator role: yes). */
  canSwitchTo(role: string): boolean {
    return this.switchable === null || this.switchable.has(role);
  }

  /** The role's own settings, e.g. statement_timeout (PostgREST applies them per request). */
  roleSettings(role: string): [string, string][] {
    return this.roles.get(role) ?? [];
  }

  /** Reloads at most once a second when something is missing, so new migrations show up. */
  private async refreshIfStale(): Promise<boolean> {
    if (Date.now() - this.loadedAt < 1000) return false;
    await this.reload();
    return true;
  }

  async hasTable(name: string): Promise<boolean> {
    if (this.tables.has(name)) return true;
    return (await this.refreshIfStale()) && this.tables.has(name);
  }

  async tableNotFound(name: string): Promise<RestError> {
    const hint = fuzzyBest(name, this.tables, 0.75);
    return new RestError(404, 'PGRST205', `Could not find the table '${EXPOSED_SCHEMA}.${name}' in the schema cache`, null,
      hint ? `Perhaps you meant the table '${EXPOSED_SCHEMA}.${hint.value}'` : null);
  }

  columnsOf(table: string): ColumnInfo[] {
    return this.columns.get(table) ?? [];
  }

  primaryKey(table: string): string[] {
    return this.primaryKeys.get(table) ?? [];
  }

  /** The relationship `target` (with `hint`) names from `origin`; PGRST200/PGRST201 otherwise. */
  relationship(origin: string, target: string, hint: string | null): Relationship {
    return findRelationship(this.relationships, this.tables, origin, target, hint);
  }

  /** findProc: the function by name and argument keys (PostgREST's overload rule); PGRST202/PGRST203. */
  async findFunction(name: string, keys: string[], isPost = true, body: BodyKind = 'json'): Promise<FnInfo> {
    if (!this.functions.has(name)) await this.refreshIfStale();
    const all = this.functions.get(name) ?? [];
    const named = all.filter((f) => fnAccepts(f, keys, isPost, body));
    const fallback = all.filter((f) => !named.includes(f) && takesWholeBody(f, isPost, body));
    const [one] = named.length ? named : fallback;
    if ((named.length === 1 || (named.length === 0 && fallback.length === 1)) && one) return one;
    const ambiguous = named.length ? named : fallback;
    if (ambiguous.length > 1) {
      const list = ambiguous.map((f) => `${EXPOSED_SCHEMA}.${name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`);
      throw new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${list.join(', ')}`, null,
        'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
    }
    throw this.noFunction(name, keys, isPost, body, all);
  }

  private noFunction(name: string, keys: string[], isPost: boolean, body: BodyKind, overloads: FnInfo[]): RestError {
    const sorted = [...new Set(keys)].sort();
    const fn = `${EXPOSED_SCHEMA}.${name}`;
    const rawBody = isPost && (body === 'text' || body === 'xml' || body === 'bytea');
    const withParams = sorted.length ? ` with parameter${sorted.length > 1 ? 's' : ''} ${sorted.join(', ')}` : ' without parameters';
    const message = `Could not find the function ${fn}${rawBody ? '' : sorted.length ? `(${sorted.join(', ')})` : ' without parameters'} in the schema cache`;
    const searched = rawBody ? ` with a single unnamed ${body} parameter` : isPost && body === 'json' ? `${withParams} or with a single unnamed json/jsonb parameter` : withParams;
    let hint: string | null = null;
    if (!rawBody) {
      const listText = (names: string[]) => `(${[...names].sort().join(', ')})`;
      const near = overloads.length
        ? fuzzyBest(listText(sorted), overloads.map((f) => listText(f.args.map((a) => a.name))), 0.33)
        : fuzzyBest(name, this.functions.keys(), 0.75);
      if (near) hint = `Perhaps you meant to call the function ${EXPOSED_SCHEMA}.${overloads.length ? name : ''}${near.value}`;
    }
    return new RestError(404, 'PGRST202', message, `Searched for the function ${fn}${searched}, but no matches were found in the schema cache.`, hint);
  }

  /** Every argument name of every overload (GET rpc tells arguments from filters with it). */
  async argNamesFresh(name: string): Promise<Set<string>> {
    if (!this.functions.has(name)) await this.refreshIfStale();
    return new Set((this.functions.get(name) ?? []).flatMap((f) => f.args.map((a) => a.name)));
  }

}


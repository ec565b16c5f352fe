import type { Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';

export const EXPOSED_SCHEMA = 'public';

export interface FnArg {
  name: string;
  type: string;
  hasDefault: boolean;
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
  /** one unnamed json/jsonb parameter: receives the whole body */
  singleJsonArg: boolean;
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
}

const FUNCTIONS_SQL = `
select p.proname as name, p.provolatile as volatility, p.proretset as retset, p.pronargdefaults as nargdefaults,
       p.proargnames as argnames, p.proargmodes::text[] as argmodes,
       array(select format_type(t.oid, null) from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]))
               with ordinality as a(oid, ord) join pg_type t on t.oid = a.oid order by a.ord) as alltypes,
       rt.typtype as ret_typtype, format_type(p.prorettype, null) as ret_type
  from pg_proc p
  join pg_namespace n on n.oid = p.pronamespace
  join pg_type rt on rt.oid = p.prorettype
 where n.nspname = $1 and p.prokind = 'f'`;

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
  const inputs: { name: string; type: string }[] = [];
  modes.forEach((mode, i) => {
    if (mode === 'i' || mode === 'b' || mode === 'v') inputs.push({ name: names[i] ?? '', type: row.alltypes[i] ?? 'text' });
  });
  const firstDefault = inputs.length - row.nargdefaults;
  const args = inputs.map((a, i) => ({ ...a, hasDefault: i >= firstDefault }));
  const only = args[0];
  return {
    name: row.name,
    args,
    volatility: row.volatility,
    returnsSet: row.retset,
    returnsComposite: row.ret_typtype === 'c' || row.ret_type === 'record',
    returnsVoid: row.ret_type === 'void',
    singleJsonArg: args.length === 1 && only !== undefined && only.name === '' && (only.type === 'json' || only.type === 'jsonb'),
  };
}

/** The names PostgREST would accept for this call, or false. */
export function fnAccepts(fn: FnInfo, keys: string[]): boolean {
  if (fn.singleJsonArg) return true;
  const names = new Set(fn.args.map((a) => a.name));
  if (keys.some((k) => !names.has(k))) return false;
  const given = new Set(keys);
  return fn.args.every((a) => a.hasDefault || given.has(a.name));
}

export class SchemaCache {
  private functions = new Map<string, FnInfo[]>();
  private tables = new Set<string>();
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
      byName.set(info.name, [...(byName.get(info.name) ?? []), info]);
    }
    this.functions = byName;
    this.tables = new Set(tables.rows.map((r) => r.name));
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
    const hint = closest(name, [...this.tables]);
    return new RestError(404, 'PGRST205', `Could not find the table '${EXPOSED_SCHEMA}.${name}' in the schema cache`, null,
      hint ? `Perhaps you meant the table '${EXPOSED_SCHEMA}.${hint}'` : null);
  }

  /** Finds the function by name and argument keys (PostgREST's overload rule); throws PGRST202/PGRST203. */
  async findFunction(name: string, keys: string[]): Promise<FnInfo> {
    let found = this.match(name, keys);
    if (found.length === 0 && (await this.refreshIfStale())) found = this.match(name, keys);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) {
      const named = found.filter((f) => !f.singleJsonArg);
      if (named.length === 1 && named[0]) return named[0];
      const list = named.map((f) => `${EXPOSED_SCHEMA}.${name}(${f.args.map((a) => `${a.name} => ${a.type}`).join(', ')})`);
      throw new RestError(300, 'PGRST203', `Could not choose the best candidate function between: ${list.join(', ')}`, null,
        'Try renaming the parameters or the function itself in the database so function overloading can be resolved');
    }
    const sorted = [...keys].sort();
    const params = sorted.length ? `with parameters ${sorted.join(', ')}` : 'without parameters';
    const hint = closest(name, [...this.functions.keys()]);
    throw new RestError(
      404,
      'PGRST202',
      `Could not find the function ${EXPOSED_SCHEMA}.${name}${sorted.length ? `(${sorted.join(', ')})` : ''} in the schema cache`,
      `Searched for the function ${EXPOSED_SCHEMA}.${name} ${params} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
      hint && hint !== name ? `Perhaps you meant to call the function ${EXPOSED_SCHEMA}.${hint}` : null,
    );
  }

  /** Every argument name of every overload (GET rpc tells arguments from filters with it). */
  async argNamesFresh(name: string): Promise<Set<string>> {
    if (!this.functions.has(name)) await this.refreshIfStale();
    return new Set((this.functions.get(name) ?? []).flatMap((f) => f.args.map((a) => a.name)));
  }

  private match(name: string, keys: string[]): FnInfo[] {
    return (this.functions.get(name) ?? []).filter((f) => fnAccepts(f, keys));
  }
}

/** A near name for hints: the candidate with the smallest edit distance, if it is close. */
export function closest(name: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

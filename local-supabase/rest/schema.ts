import type { Queryable } from '../db/types.ts';
import { RestError } from './errors.ts';
import { fuzzyBest } from './fuzzy.ts';
import type { BodyKind, FnInfo, FnRow } from './functions.ts';
import { compareOverloads, findFunction, FUNCTIONS_SQL, isCallable, toFnInfo } from './functions.ts';
import type { ComputedRow, FkRow, Relationship, ViewColumnRow } from './relations.ts';
import { addComputedRelationships, addViewRelationships, COMPUTED_RELS_SQL, findRelationship, FOREIGN_KEYS_SQL, toRelationships, VIEW_COLUMNS_SQL } from './relations.ts';
import { EXPOSED_SCHEMA } from './exposed.ts';

export { EXPOSED_SCHEMA };

/** A table's column as inserts need it: the type json_to_recordset reads and the default. */
export interface ColumnInfo {
  name: string;
  type: string;
  /** the default expression PostgREST uses for `Prefer: missing=default` */
  default: string | null;
}

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

export class SchemaCache {
  private functions = new Map<string, FnInfo[]>();
  private tables = new Set<string>();
  private columns = new Map<string, ColumnInfo[]>();
  private primaryKeys = new Map<string, string[]>();
  private relationships = new Map<string, Relationship[]>();
  private roles = new Map<string, [string, string][]>();
  private switchable: Set<string> | null = null;
  private timezones = new Set<string>();
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
    const computed = await this.db.query<ComputedRow>(COMPUTED_RELS_SQL, [EXPOSED_SCHEMA]);
    const viewColumns = await this.db.query<ViewColumnRow>(VIEW_COLUMNS_SQL, [EXPOSED_SCHEMA]);
    const withViews = addViewRelationships(toRelationships(fks.rows, this.primaryKeys), fks.rows, viewColumns.rows);
    this.relationships = addComputedRelationships(withViews, computed.rows);
    const roles = await this.db.query<{ role: string; settings: string[] | null }>(ROLE_SETTINGS_SQL);
    const byRole = new Map<string, [string, string][]>();
    for (const { role, settings } of roles.rows) {
      const pairs = (settings ?? []).map((kv): [string, string] => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
      byRole.set(role, [...(byRole.get(role) ?? []), ...pairs.filter(([k]) => k !== '')]);
    }
    this.roles = byRole;
    const switchable = await this.db.query<{ name: string }>(SWITCHABLE_ROLES_SQL);
    this.switchable = switchable.rows.length ? new Set(switchable.rows.map((r) => r.name)) : null;
    const timezones = await this.db.query<{ name: string }>('select name from pg_timezone_names');
    this.timezones = new Set(timezones.rows.map((r) => r.name));
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

  /** PGRST205; the stack serves only `public`, so another exposed schema has no tables to suggest. */
  async tableNotFound(name: string, schema = EXPOSED_SCHEMA): Promise<RestError> {
    const hint = schema === EXPOSED_SCHEMA ? fuzzyBest(name, this.tables, 0.75) : null;
    return new RestError(404, 'PGRST205', `Could not find the table '${schema}.${name}' in the schema cache`, null,
      hint ? `Perhaps you meant the table '${schema}.${hint.value}'` : null);
  }

  /** pg_timezone_names, which `Prefer: timezone=` must name (PostgREST's dbTimezones). */
  timezoneNames(): ReadonlySet<string> {
    return this.timezones;
  }

  columnsOf(table: string): ColumnInfo[] {
    return this.columns.get(table) ?? [];
  }

  /** the table's columns in order (expanding `*` where aggregates need them) */
  columnNames(table: string): string[] {
    return this.columnsOf(table).map((c) => c.name);
  }

  /** PostgREST's db-aggregates-enabled, read as on Supabase from the authenticator role's `pgrst.db_aggregates_enabled` */
  aggregatesEnabled(): boolean {
    const value = this.roleSettings('authenticator').filter(([k]) => k === 'pgrst.db_aggregates_enabled').pop()?.[1];
    return value !== undefined && ['true', 'on', '1', 'yes'].includes(value.trim().toLowerCase());
  }

  primaryKey(table: string): string[] {
    return this.primaryKeys.get(table) ?? [];
  }

  /** The relationship `target` (with `hint`) names from `origin`; PGRST200/PGRST201 otherwise. */
  relationship(origin: string, target: string, hint: string | null): Relationship {
    return findRelationship(this.relationships, this.tables, origin, target, hint);
  }

  /** findProc: the function by name and argument keys (PostgREST's overload rule); PGRST202/PGRST203. */
  async findFunction(name: string, keys: string[], isPost = true, body: BodyKind = 'json', schema = EXPOSED_SCHEMA): Promise<FnInfo> {
    if (schema !== EXPOSED_SCHEMA) return findFunction(new Map(), name, keys, isPost, body, schema);
    if (!this.functions.has(name)) await this.refreshIfStale();
    return findFunction(this.functions, name, keys, isPost, body);
  }
}


import type { Db } from '../db/types.ts';
import { tableKey, type TableInfo } from './capture.ts';
import { readDbMessage, type DbMessage } from './db-message.ts';
import { buildChangeData, type ChangeRow } from './payload.ts';
import { FilterBatch } from './filter-batch.ts';
import { matchChanges } from './match.ts';
import { groupForRls, visibleRows } from './rls.ts';
import type { ChannelSink, Registry, Subscription } from './subscriptions.ts';

// Reads committed changes in id (= commit) order, decides per subscriber what Supabase would send
// (filters, column privileges, RLS as the subscriber, DELETE trimming, 400/401/413 errors) and
// hands each channel one frame per change. Mirrors realtime.apply_rls + list_changes.

export interface DrainerDeps {
  db: Db;
  registry: Registry;
  /** The publication's tables, cached; `force` reloads them (a change from a table not seen yet). */
  tables: (force?: boolean) => Promise<Map<string, TableInfo>>;
  batchSize: number;
  maxRecordBytes: number;
  log: (msg: string) => void;
  /** A committed realtime.messages row (realtime.send), handed over in commit order. */
  deliverMessage: (msg: DbMessage) => void;
}

const CACHE_TTL_MS = 2000;

export class Drainer {
  private lastId = '0';
  private orderingCache = new Map<string, boolean | null>();
  private privCache = new Map<string, { at: number; cols: Set<string> }>();
  private bypassCache = new Map<string, { at: number; bypass: boolean }>();
  eventsDelivered = 0;

  constructor(private deps: DrainerDeps) {}

  /** Drains one batch; returns the number of changes read. */
  async drainOnce(): Promise<number> {
    const { db, batchSize } = this.deps;
    const { rows } = await db.query<ChangeRow>(
      `select c.id::text as id, c.type, c.schema_name, c.table_name, c.record, c.old_record,
              to_char(c.commit_timestamp at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts
         from _realtime.changes c where c.id > $1::bigint order by c.id limit $2`,
      [this.lastId, batchSize],
    );
    if (rows.length === 0) return 0;
    // Broadcast rows (realtime.send) sit between the table changes of the same transactions; the
    // changes of the whole batch are still matched and RLS-checked together (a fixed number of
    // queries per batch), then everything is handed over in commit order.
    const changes = rows.filter((r) => !isMessageRow(r));
    const deliverChange = changes.length > 0 && this.deps.registry.size > 0 ? await this.process(changes) : null;
    let c = 0;
    for (const row of rows) {
      if (isMessageRow(row)) this.deliverMessage(row);
      else deliverChange?.(c++);
    }
    this.lastId = rows[rows.length - 1]!.id;
    await db.query('delete from _realtime.changes where id <= $1::bigint', [this.lastId]);
    return rows.length;
  }

  private deliverMessage(row: ChangeRow): void {
    const msg = readDbMessage(row.record);
    if (msg) this.deps.deliverMessage(msg);
    else this.deps.log(`realtime: skipping a realtime.messages row without topic or event (change ${row.id})`);
  }

  /** Matches and checks `rows` in one go; the answer delivers row i to its subscribers. */
  private async process(rows: ChangeRow[]): Promise<(i: number) => void> {
    let tables = await this.deps.tables();
    if (rows.some((r) => !tables.has(tableKey(r.schema_name, r.table_name)))) tables = await this.deps.tables(true);
    const now = Date.now();

    // 1. Subscriptions each change matches (event, table, filters): a fixed number of queries.
    const filters = new FilterBatch(this.deps.db, this.orderingCache, this.deps.log);
    const matched = await matchChanges(rows, this.deps.registry, filters);

    // 2. Column privileges for every (role, table) involved.
    const needPriv = new Map<string, [string, number]>();
    const needBypass = new Set<string>();
    rows.forEach((row, i) => {
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t) return;
      for (const s of matched[i]!) {
        const k = `${s.sink.role}\0${t.oid}`;
        const c = this.privCache.get(k);
        if (!c || now - c.at > CACHE_TTL_MS) needPriv.set(k, [s.sink.role, t.oid]);
        const b = this.bypassCache.get(s.sink.role);
        if (!b || now - b.at > CACHE_TTL_MS) needBypass.add(s.sink.role);
      }
    });
    await this.loadPrivileges(needPriv, needBypass, now);

    // 3. RLS: INSERT/UPDATE on RLS tables, per distinct (role, claims), looked up by primary key.
    const visible = await this.checkRls(rows, matched, tables);

    // 4. Deliver in commit order, one frame per channel per change.
    return (i) => {
      const row = rows[i]!;
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t || matched[i]!.length === 0) return;
      const dataByRole = new Map<string, string | null>();
      const perSink = new Map<ChannelSink, number[]>();
      for (const s of matched[i]!) {
        let data = dataByRole.get(s.sink.role);
        if (data === undefined) {
          data = buildChangeData(row, t, this.columnsFor(s.sink.role, t), this.deps.maxRecordBytes);
          dataByRole.set(s.sink.role, data);
        }
        if (data === null) continue;
        if (visible && !visible(i, s.sink)) continue;
        const ids = perSink.get(s.sink);
        if (ids) ids.push(s.bindingId);
        else perSink.set(s.sink, [s.bindingId]);
      }
      for (const [sink, ids] of perSink) {
        sink.deliverChange(ids, dataByRole.get(sink.role)!);
        this.eventsDelivered++;
      }
    };
  }

  private async loadPrivileges(need: Map<string, [string, number]>, needBypass: Set<string>, now: number): Promise<void> {
    if (need.size > 0) {
      const pairs = [...need.values()];
      const { rows } = await this.deps.db.query<{ role: string; oid: number; attname: string | null }>(
        `select r.role, r.oid::int as oid, a.attname
           from unnest($1::text[], $2::oid[]) as r(role, oid)
           left join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
                and has_column_privilege(r.role, a.attrelid, a.attnum, 'SELECT')`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      for (const [k] of need) this.privCache.set(k, { at: now, cols: new Set() });
      for (const r of rows) if (r.attname) this.privCache.get(`${r.role}\0${r.oid}`)?.cols.add(r.attname);
    }
    if (needBypass.size > 0) {
      const roles = [...needBypass];
      const { rows } = await this.deps.db.query<{ rolname: string; bypass: boolean }>(
        'select rolname, rolbypassrls or rolsuper as bypass from pg_roles where rolname = any($1::text[])',
        [roles],
      );
      for (const r of roles) this.bypassCache.set(r, { at: now, bypass: rows.some((x) => x.rolname === r && x.bypass) });
    }
  }

  private columnsFor(role: string, t: TableInfo): Set<string> {
    return this.privCache.get(`${role}\0${t.oid}`)?.cols ?? new Set();
  }

  private async checkRls(
    rows: ChangeRow[],
    matched: Subscription[][],
    tables: Map<string, TableInfo>,
  ): Promise<((i: number, sink: ChannelSink) => boolean) | null> {
    const groups = groupForRls(rows, matched, tables, {
      bypass: (role) => this.bypassCache.get(role)?.bypass === true,
      columns: (role, t) => this.columnsFor(role, t),
    });
    if (groups.size === 0) return null;
    const seen = await visibleRows(this.deps.db, this.deps.log, rows, tables, groups);
    return (i, sink) => {
      const row = rows[i]!;
      if (row.type === 'DELETE') return true;
      const t = tables.get(tableKey(row.schema_name, row.table_name));
      if (!t || !t.rls || t.primaryKey.length === 0) return true;
      if (this.bypassCache.get(sink.role)?.bypass) return true;
      if (t.primaryKey.some((k) => !this.columnsFor(sink.role, t).has(k))) return true;
      return seen.has(`${i}\0${sink.role}\0${sink.rlsKey}`);
    };
  }
}

const isMessageRow = (row: ChangeRow): boolean => row.schema_name === 'realtime' && row.table_name === 'messages';

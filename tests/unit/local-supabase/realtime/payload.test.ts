import { describe, expect, it } from 'vitest';
import type { TableInfo } from '../../../../local-supabase/realtime/capture.ts';
import { buildChangeData, type ChangeRow } from '../../../../local-supabase/realtime/payload.ts';

const table: TableInfo = {
  oid: 1,
  schema: 'public',
  table: 'tickets',
  columns: [
    { name: 'id', type: 'int8', castType: 'bigint' },
    { name: 'status', type: 'text', castType: 'text' },
    { name: 'secret', type: 'text', castType: 'text' },
  ],
  primaryKey: ['id'],
  rls: true,
  replicaIdentity: 'f',
};
const all = new Set(['id', 'status', 'secret']);
const row = (type: ChangeRow['type'], record: object | null, old: object | null): ChangeRow => ({
  id: '1',
  type,
  schema_name: 'public',
  table_name: 'tickets',
  record: record as Record<string, unknown> | null,
  old_record: old as Record<string, unknown> | null,
  ts: '2026-01-01T00:00:00.123Z',
});
const build = (r: ChangeRow, cols = all, t = table, max = 1_048_576) => JSON.parse(buildChangeData(r, t, cols, max));

describe('postgres_changes data', () => {
  it('has no old_record on INSERT and no record on DELETE', () => {
    const ins = build(row('INSERT', { id: 1, status: 'open', secret: 's' }, null));
    expect(Object.keys(ins)).toEqual(['schema', 'table', 'commit_timestamp', 'type', 'columns', 'record', 'errors']);
    expect(ins.columns).toEqual([
      { name: 'id', type: 'int8' },
      { name: 'status', type: 'text' },
      { name: 'secret', type: 'text' },
    ]);
    const del = build(row('DELETE', null, { id: 1, status: 'open', secret: 's' }));
    expect(Object.keys(del)).toEqual(['schema', 'table', 'commit_timestamp', 'type', 'columns', 'old_record', 'errors']);
  });

  it('cuts a DELETE old record to the primary key when RLS is on', () => {
    expect(build(row('DELETE', null, { id: 1, status: 'open', secret: 's' })).old_record).toEqual({ id: 1 });
    expect(build(row('DELETE', null, { id: 1, status: 'open' }), all, { ...table, rls: false }).old_record).toEqual({
      id: 1,
      status: 'open',
    });
  });

  it('keeps only columns the role may select', () => {
    const d = build(row('UPDATE', { id: 1, status: 'x', secret: 's' }, { id: 1, status: 'y', secret: 't' }), new Set(['id', 'status']));
    expect(d.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'status']);
    expect(d.record).toEqual({ id: 1, status: 'x' });
    expect(d.old_record).toEqual({ id: 1, status: 'y' });
  });

  it('sends Error 401 without data when the role cannot select the key, and 400 without a key', () => {
    expect(build(row('UPDATE', { id: 1 }, { id: 1 }), new Set(['status']))).toEqual({
      schema: 'public',
      table: 'tickets',
      commit_timestamp: null,
      type: 'UPDATE',
      columns: [],
      record: {},
      old_record: {},
      errors: ['Error 401: Unauthorized'],
    });
    expect(build(row('INSERT', { id: 1 }, null), all, { ...table, primaryKey: [] }).errors).toEqual([
      'Error 400: Bad Request, no primary key',
    ]);
  });

  it('trims oversized records to fields of at most 64 bytes and flags 413', () => {
    const d = build(row('INSERT', { id: 1, status: 'open', secret: 'x'.repeat(200) }, null), all, table, 100);
    expect(d.record).toEqual({ id: 1, status: 'open' });
    expect(d.errors).toEqual(['Error 413: Payload Too Large']);
  });
});

import { describe, expect, it } from 'vitest';
import { isDbError } from '../../../../local-supabase/db/types.ts';
import {
  parseWorkerMessage,
  parseWorkerRequest,
  toWireError,
  WorkerDbError,
  workerErrors,
} from '../../../../local-supabase/db/worker-protocol.ts';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

// Random JSON-ish values, including the shapes the parsers look for with wrong field types.
function garbage(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * 10);
  if (depth > 3 || k < 3) return [null, undefined, 0, -1, 1.5, '', 'x', true, NaN][Math.floor(r() * 9)];
  if (k < 5) return Array.from({ length: Math.floor(r() * 4) }, () => garbage(r, depth + 1));
  const keys = ['type', 'op', 'id', 'rows', 'fields', 'error', 'sql', 'params', 'channel', 'payload', 'message', 'code'];
  const vals = ['ready', 'result', 'done', 'error', 'notify', 'fatal', 'query', 'exec', 'listen', 'unlisten', 'close'];
  const o: Record<string, unknown> = {};
  for (let i = 0; i < 1 + Math.floor(r() * 5); i++) {
    const key = keys[Math.floor(r() * keys.length)]!;
    o[key] = r() < 0.5 ? vals[Math.floor(r() * vals.length)] : garbage(r, depth + 1);
  }
  return o;
}

describe('database worker protocol', () => {
  it('reads every message the worker sends', () => {
    expect(parseWorkerMessage({ type: 'ready' })).toEqual({ type: 'ready' });
    expect(parseWorkerMessage({ type: 'result', id: 3, rows: [{ a: 1 }], fields: [{ name: 'a', dataTypeID: 23 }] })).toEqual({
      type: 'result',
      id: 3,
      rows: [{ a: 1 }],
      fields: [{ name: 'a', dataTypeID: 23 }],
    });
    expect(parseWorkerMessage({ type: 'done', id: 4 })).toEqual({ type: 'done', id: 4 });
    expect(parseWorkerMessage({ type: 'notify', channel: 'c', payload: '' })).toEqual({ type: 'notify', channel: 'c', payload: '' });
    expect(parseWorkerMessage({ type: 'error', id: 5, error: { code: '22012', message: 'division by zero', detail: 7 } })).toEqual({
      type: 'error',
      id: 5,
      error: { code: '22012', message: 'division by zero' },
    });
    expect(parseWorkerMessage({ type: 'fatal', error: { message: 'no wasm' } })).toEqual({ type: 'fatal', error: { message: 'no wasm' } });
  });

  it('refuses malformed messages and requests instead of guessing', () => {
    expect(parseWorkerMessage({ type: 'result', id: -1, rows: [], fields: [] })).toBeNull();
    expect(parseWorkerMessage({ type: 'result', id: 1, rows: {}, fields: [] })).toBeNull();
    expect(parseWorkerMessage({ type: 'result', id: 1, rows: [], fields: [{ name: 'a' }] })).toBeNull();
    expect(parseWorkerMessage({ type: 'error', id: 1, error: { code: 'x' } })).toBeNull();
    expect(parseWorkerMessage({ type: 'notify', channel: 'c' })).toBeNull();
    expect(parseWorkerMessage('ready')).toBeNull();
    expect(parseWorkerRequest({ id: 1, op: 'query', sql: 'select 1', params: 'x' })).toBeNull();
    expect(parseWorkerRequest({ id: 1.5, op: 'close' })).toBeNull();
    expect(parseWorkerRequest({ id: 1, op: 'drop' })).toBeNull();
    expect(parseWorkerRequest({ id: 2, op: 'query', sql: 'select $1', params: [1] })).toEqual({ id: 2, op: 'query', sql: 'select $1', params: [1] });
    expect(parseWorkerRequest({ id: 2, op: 'query', sql: 'select 1' })).toEqual({ id: 2, op: 'query', sql: 'select 1', params: [] });
  });

  it('never throws on random input, and whatever it accepts is well-typed (seeded)', () => {
    const r = rng(20261201);
    for (let n = 0; n < 5000; n++) {
      const v = garbage(r);
      const m = parseWorkerMessage(v);
      if (m && 'id' in m) expect(Number.isSafeInteger(m.id) && m.id >= 0).toBe(true);
      if (m?.type === 'error' || m?.type === 'fatal') expect(typeof m.error.message).toBe('string');
      const q = parseWorkerRequest(v);
      if (q?.op === 'query') expect(Array.isArray(q.params) && typeof q.sql === 'string').toBe(true);
    }
  });

  it('rebuilds database errors with the fields callers check', () => {
    const thrown = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
      detail: 'Key (id)=(1) already exists.',
      hint: undefined,
      severity: 'ERROR',
    });
    const err = new WorkerDbError(toWireError(thrown));
    expect(err).toBeInstanceOf(Error);
    expect(isDbError(err)).toBe(true);
    expect(err).toMatchObject({ code: '23505', message: thrown.message, detail: 'Key (id)=(1) already exists.', hint: undefined });
    expect(isDbError(new WorkerDbError(toWireError('plain string')))).toBe(true);
    for (const e of [workerErrors.closed(), workerErrors.exited('x'), workerErrors.idleTransaction(10)]) expect(isDbError(e)).toBe(true);
  });
});

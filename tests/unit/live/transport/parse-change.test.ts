import { describe, expect, it } from 'vitest';
import { changeKey, parseChange } from '@/live/transport/parse-change';

describe('parseChange', () => {
  it('reads a supabase-js postgres_changes payload', () => {
    const parsed = parseChange({
      schema: 'public', table: 'tickets', commit_timestamp: '2026-01-01T00:00:01.000Z', eventType: 'DELETE',
      new: {}, old: { id: 'a1' }, errors: null,
    });
    expect(parsed).toEqual({
      ok: true,
      change: { table: 'tickets', eventType: 'DELETE', commitTimestamp: Date.parse('2026-01-01T00:00:01.000Z'), key: 'a1', hasErrors: false },
    });
  });

  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an unknown table', { table: 'activity_log', eventType: 'INSERT' }],
    ['another schema', { schema: 'auth', table: 'tickets', eventType: 'INSERT' }],
    ['an unknown event type', { table: 'orders', eventType: 'TRUNCATE' }],
    ['a bad commit timestamp', { table: 'orders', eventType: 'INSERT', commit_timestamp: 'yesterday' }],
    ['a numeric commit timestamp', { table: 'orders', eventType: 'INSERT', commit_timestamp: 5 }],
  ])('rejects %s', (_name, payload) => {
    expect(parseChange(payload).ok).toBe(false);
  });

  it('accepts error payloads (401/413) as a push without a timestamp', () => {
    const parsed = parseChange({ schema: 'public', table: 'orders', eventType: 'UPDATE', commit_timestamp: null, errors: ['Error 401: Unauthorized'], new: {}, old: {} });
    expect(parsed.ok && parsed.change).toMatchObject({ hasErrors: true, commitTimestamp: null, key: null });
  });

  it('keys identical deliveries identically', () => {
    const p = { table: 'products', eventType: 'UPDATE', commit_timestamp: '2026-01-01T00:00:00Z', new: { id: 'p' }, old: { id: 'p' } };
    const a = parseChange(p);
    const b = parseChange({ ...p });
    expect(a.ok && b.ok && changeKey(a.change) === changeKey(b.change)).toBe(true);
  });
});

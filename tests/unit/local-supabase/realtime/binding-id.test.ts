import { describe, expect, it } from 'vitest';
import { bindingId } from '../../../../local-supabase/realtime/binding-id.ts';

describe('binding id', () => {
  it('is a deterministic integer in 0..2^27-1', () => {
    const params = { event: '*', schema: 'public', table: 'tickets' };
    const id = bindingId(params);
    expect(Number.isInteger(id)).toBe(true);
    expect(id).toBeGreaterThanOrEqual(0);
    expect(id).toBeLessThan(2 ** 27);
    expect(bindingId({ table: 'tickets', schema: 'public', event: '*' })).toBe(id);
  });

  it('differs when any param differs', () => {
    const base = { event: '*', schema: 'public', table: 'tickets' };
    const ids = new Set([
      bindingId(base),
      bindingId({ ...base, event: 'INSERT' }),
      bindingId({ ...base, table: 'orders' }),
      bindingId({ ...base, filter: 'status=eq.open' }),
    ]);
    expect(ids.size).toBe(4);
  });
});

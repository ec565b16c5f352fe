import { describe, expect, it } from 'vitest';
import { pick, randomCustomer, TICKET_NEXT } from '../../../../local-supabase/simulator/data.ts';

const STATUSES = ['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'];

function seq(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('simulator data', () => {
  it('makes customers the database accepts (lower-case ASCII email, valid phone)', () => {
    for (const r of [seq(0), seq(0.99), seq(0.5, 0.25, 0.75), Math.random]) {
      const c = randomCustomer(r);
      expect(c.email).toMatch(/^[a-z.]+\.[0-9a-z]{6}@example\.net$/);
      expect(c.email).toBe(c.email.toLowerCase());
      expect(c.phone).toMatch(/^\+?[0-9 ()-]{5,30}$/);
      expect(c.name.trim().length).toBeGreaterThan(0);
    }
  });

  it('moves tickets only from active statuses to real statuses', () => {
    for (const [from, next] of Object.entries(TICKET_NEXT)) {
      expect(['closed', 'cancelled']).not.toContain(from);
      for (const to of next) expect(STATUSES).toContain(to);
    }
    expect(Object.keys(TICKET_NEXT).sort()).toEqual(['in_progress', 'open', 'ready', 'waiting_parts']);
  });

  it('picks within bounds and refuses empty lists', () => {
    expect(pick(['a', 'b'], seq(0.999))).toBe('b');
    expect(() => pick([], seq(0))).toThrow();
  });
});

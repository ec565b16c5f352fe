import { describe, expect, it } from 'vitest';
import { checkJoinPayload, DEFAULT_JOIN_PAYLOAD_LIMITS, jsonDepth } from '../../../../local-supabase/realtime/join-payload.ts';

const nested = (depth: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { k: v };
  return v;
};

describe('join payload limits', () => {
  it('measures depth without recursion, even 100,000 levels deep', () => {
    expect(jsonDepth('x', 32)).toBe(0);
    expect(jsonDepth({ a: [1, { b: 2 }] }, 32)).toBe(3);
    expect(jsonDepth(nested(100_000), 32)).toBeGreaterThan(32);
  });

  it('accepts what realtime-js sends', () => {
    const payload = {
      config: {
        broadcast: { ack: false, self: false },
        presence: { key: '', enabled: false },
        postgres_changes: [{ event: '*', schema: 'public', table: 'tickets', filter: 'status=in.(open,closed)' }],
        private: false,
      },
      access_token: 'x.y.z',
      version: 'realtime-js/2.109.0',
    };
    expect(checkJoinPayload(payload, DEFAULT_JOIN_PAYLOAD_LIMITS)).toBeNull();
    expect(checkJoinPayload(undefined, DEFAULT_JOIN_PAYLOAD_LIMITS)).toBeNull();
  });

  it('names the limit a hostile payload breaks', () => {
    const deep = { config: { postgres_changes: [{ event: '*', table: 'tickets', extra: nested(5000) }] } };
    expect(checkJoinPayload(deep, DEFAULT_JOIN_PAYLOAD_LIMITS)).toBe(
      'InvalidJoinPayload: the join payload is nested more than 32 levels deep',
    );
    const many = { config: { postgres_changes: Array.from({ length: 101 }, () => ({ table: 'tickets' })) } };
    expect(checkJoinPayload(many, DEFAULT_JOIN_PAYLOAD_LIMITS)).toMatch(/^InvalidJoinPayload: at most 100 postgres_changes bindings/);
    const big = { config: { postgres_changes: [{ table: 'tickets', filter: `id=eq.${'9'.repeat(70_000)}` }] } };
    expect(checkJoinPayload(big, DEFAULT_JOIN_PAYLOAD_LIMITS)).toMatch(/^InvalidJoinPayload: postgres_changes binding 0 is \d+ bytes/);
    expect(checkJoinPayload([1], DEFAULT_JOIN_PAYLOAD_LIMITS)).toBe('InvalidJoinPayload: the join payload must be an object');
  });
});

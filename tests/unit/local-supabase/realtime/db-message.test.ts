import { describe, expect, it } from 'vitest';
import { readDbMessage, receives, type MemberState } from '../../../../local-supabase/realtime/db-message.ts';
import { mulberry32 as rng } from '../../../support/rng.ts';


describe('readDbMessage', () => {
  it('reads a realtime.messages row as the capture trigger records it', () => {
    const row = { id: 'u1', topic: 'dashboard:admin', event: 'delta', private: true, payload: { a: 1 }, extension: 'broadcast' };
    expect(readDbMessage(row)).toEqual({ id: 'u1', topic: 'dashboard:admin', event: 'delta', private: true, payloadJson: '{"a":1}' });
  });

  it('treats a missing or null private flag as public and a NULL payload as null', () => {
    expect(readDbMessage({ id: 'u', topic: 't', event: 'e', private: null, payload: null })).toMatchObject({
      private: false,
      payloadJson: 'null',
    });
  });

  it('skips rows without id, topic or event', () => {
    expect(readDbMessage(null)).toBeNull();
    expect(readDbMessage({ topic: 't', event: 'e' })).toBeNull();
    expect(readDbMessage({ id: 'u', event: 'e' })).toBeNull();
    expect(readDbMessage({ id: 'u', topic: 't', event: null })).toBeNull();
  });
});

describe('receives', () => {
  it('keeps private and public members apart, and private ones to those whose read policy passed', () => {
    const base: MemberState = { closed: false, private: true, broadcastRead: true, replayedIds: new Set() };
    expect(receives(base, { id: 'a', private: true })).toBe(true);
    expect(receives(base, { id: 'a', private: false })).toBe(false);
    expect(receives({ ...base, broadcastRead: false }, { id: 'a', private: true })).toBe(false);
    expect(receives({ ...base, private: false, broadcastRead: null }, { id: 'a', private: false })).toBe(true);
    expect(receives({ ...base, replayedIds: new Set(['a']) }, { id: 'a', private: true })).toBe(false);
    expect(receives({ ...base, closed: true }, { id: 'a', private: true })).toBe(false);
  });

  it('never lets a member without read permission, or of the other privacy, receive (seeded random states)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
      const ids = ['m1', 'm2', 'm3'];
      const member: MemberState = {
        closed: r() < 0.2,
        private: r() < 0.5,
        broadcastRead: pick([true, false, null]),
        replayedIds: new Set(ids.filter(() => r() < 0.3)),
      };
      const msg = { id: pick(ids), private: r() < 0.5 };
      const got = receives(member, msg);
      if (got) {
        expect(member.closed).toBe(false);
        expect(member.private).toBe(msg.private);
        if (msg.private) expect(member.broadcastRead).toBe(true);
        expect(member.replayedIds.has(msg.id)).toBe(false);
      } else {
        const shouldGet =
          !member.closed && member.private === msg.private && (!msg.private || member.broadcastRead === true) && !member.replayedIds.has(msg.id);
        expect(shouldGet, `seed ${seed}`).toBe(false);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../../../local-supabase/realtime/rest-broadcast.ts';

describe('parseBatch', () => {
  it('reads the messages supabase-js sends to /api/broadcast, private false unless set', () => {
    const body = {
      messages: [
        { topic: 'room', event: 'e', payload: { a: 1 } },
        { topic: 'dashboard:admin', event: 'delta', payload: {}, private: true },
      ],
    };
    expect(parseBatch(body)).toEqual({
      ok: true,
      messages: [
        { topic: 'room', event: 'e', payload: { a: 1 }, private: false },
        { topic: 'dashboard:admin', event: 'delta', payload: {}, private: true },
      ],
    });
  });

  it('names the first bad field', () => {
    expect(parseBatch(null)).toMatchObject({ ok: false, error: expect.stringContaining('messages') });
    expect(parseBatch({ messages: [] })).toMatchObject({ ok: false });
    expect(parseBatch({ messages: [{ event: 'e', payload: {} }] })).toEqual({ ok: false, error: "messages[0].topic: can't be blank" });
    expect(parseBatch({ messages: [{ topic: 't', payload: {} }] })).toEqual({ ok: false, error: "messages[0].event: can't be blank" });
    expect(parseBatch({ messages: [{ topic: 't', event: 'e', payload: [1] }] })).toEqual({ ok: false, error: 'messages[0].payload: is invalid' });
    expect(parseBatch({ messages: ['x'] })).toEqual({ ok: false, error: 'messages[0]: must be an object' });
  });
});

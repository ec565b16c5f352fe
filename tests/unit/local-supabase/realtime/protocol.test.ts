import Serializer from '@supabase/realtime-js/dist/module/lib/serializer.js';
import { describe, expect, it } from 'vitest';
import { decodeBinary, decodeText, encodeFrame, encodeUserBroadcast, parseVsn, reply } from '../../../../local-supabase/realtime/protocol.ts';

describe('realtime protocol', () => {
  it('decodes vsn 2.0.0 array frames with string or null refs', () => {
    expect(decodeText('["6","7","realtime:x","phx_join",{"a":1}]', '2.0.0')).toEqual({
      ok: true,
      frame: { joinRef: '6', ref: '7', topic: 'realtime:x', event: 'phx_join', payload: { a: 1 } },
    });
    expect(decodeText('[null,"1","phoenix","heartbeat",{}]', '2.0.0')).toMatchObject({ ok: true, frame: { joinRef: null } });
  });

  it('rejects malformed frames instead of throwing', () => {
    expect(decodeText('{nope', '2.0.0').ok).toBe(false);
    expect(decodeText('["1","1","t"]', '2.0.0').ok).toBe(false);
    expect(decodeText('["1","1",5,"e",{}]', '2.0.0').ok).toBe(false);
    expect(decodeText('[{},"1","t","e",{}]', '2.0.0').ok).toBe(false);
    expect(decodeText('[]', '1.0.0').ok).toBe(false);
    expect(decodeBinary(Buffer.from([4, 0, 0])).ok).toBe(false);
    expect(decodeBinary(Buffer.from([3, 9, 9, 9, 9, 9, 1])).ok).toBe(false);
  });

  it('decodes vsn 1.0.0 object frames', () => {
    expect(decodeText('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"3","join_ref":null}', '1.0.0')).toEqual({
      ok: true,
      frame: { joinRef: null, ref: '3', topic: 'phoenix', event: 'heartbeat', payload: {} },
    });
  });

  it('decodes the binary broadcast push realtime-js sends', () => {
    const parts = ['1', '2', 'realtime:room', 'hello', ''];
    const body = Buffer.from('{"n":1}');
    const buf = Buffer.concat([
      Buffer.from([3, ...parts.map((p) => Buffer.byteLength(p)), 1]),
      ...parts.map((p) => Buffer.from(p)),
      body,
    ]);
    expect(decodeBinary(buf)).toEqual({
      ok: true,
      frame: {
        joinRef: '1',
        ref: '2',
        topic: 'realtime:room',
        event: 'broadcast',
        payload: { type: 'broadcast', event: 'hello', payload: { n: 1 } },
        binary: { event: 'hello', meta: '', encoding: 1, body },
      },
    });
  });

  it('forwards a binary push as the kind-4 frame realtime-js decodes, bytes untouched', () => {
    const bytes = Buffer.from([0, 255, 1, 254, 7]);
    const decoded = decodeBinary(
      Buffer.concat([Buffer.from([3, 1, 1, 13, 3, 0, 0]), Buffer.from('12realtime:roombin'), bytes]),
    );
    if (!decoded.ok || !decoded.frame.binary) throw new Error('not decoded');
    const out = encodeUserBroadcast('realtime:room', decoded.frame.binary)!;
    let seen: { event?: string; topic?: string; payload?: { event: string; payload: ArrayBuffer } } = {};
    new Serializer().decode(new Uint8Array(out).buffer, (m: typeof seen) => (seen = m));
    expect(seen.topic).toBe('realtime:room');
    expect(seen.event).toBe('broadcast');
    expect(seen.payload?.event).toBe('bin');
    expect([...new Uint8Array(seen.payload!.payload)]).toEqual([...bytes]);
  });

  it('falls back (null) when a header field does not fit one byte', () => {
    expect(encodeUserBroadcast(`realtime:${'x'.repeat(300)}`, { event: 'e', meta: '', encoding: 1, body: Buffer.from('{}') })).toBeNull();
  });

  it('encodes replies echoing both refs, in either version', () => {
    const push = { joinRef: '6', ref: '7', topic: 'realtime:x', event: 'access_token', payload: {} };
    const r = reply(push, 'ok', {});
    expect(encodeFrame(r, '2.0.0')).toBe('["6","7","realtime:x","phx_reply",{"status":"ok","response":{}}]');
    expect(JSON.parse(encodeFrame(r, '1.0.0'))).toEqual({
      topic: 'realtime:x',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
      ref: '7',
    });
  });

  it('splices a pre-serialised payload for fan-out frames', () => {
    const frame = { joinRef: null, ref: null, topic: 'realtime:x', event: 'postgres_changes', payload: null };
    expect(encodeFrame(frame, '2.0.0', '{"ids":[1],"data":{}}')).toBe(
      '[null,null,"realtime:x","postgres_changes",{"ids":[1],"data":{}}]',
    );
  });

  it('maps the vsn query parameter', () => {
    expect(parseVsn('2.0.0')).toBe('2.0.0');
    expect(parseVsn('1.0.0')).toBe('1.0.0');
    expect(parseVsn(null)).toBe('1.0.0');
    expect(parseVsn('3.0.0')).toBeNull();
  });
});

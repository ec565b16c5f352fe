import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCustomer, RawSocket, startHarness, waitFor, type Harness } from './realtime-harness.ts';

const CUSTOMERS = { config: { postgres_changes: [{ event: 'INSERT', schema: 'public', table: 'customers' }] } };

describe('realtime socket protocol', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ limits: { maxFrameBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers heartbeats and unmatched topics, and shrugs off malformed frames and unknown events', async () => {
    const raw = await RawSocket.open(h);
    raw.send('{not json');
    raw.send('["only","three","items"]');
    raw.send(Buffer.from([9, 9, 9]));
    raw.send([null, '1', 'phoenix', 'heartbeat', {}]);
    expect(await raw.reply('1')).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
    raw.send([null, '2', 'realtime:nowhere', 'broadcast', {}]);
    expect(await raw.reply('2')).toEqual([
      null,
      '2',
      'realtime:nowhere',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
    raw.send(['3', '3', 'not-realtime', 'phx_join', {}]);
    expect(((await raw.reply('3'))[4] as { response: unknown }).response).toEqual({ reason: 'unmatched topic' });
    raw.join('realtime:ok', '4');
    await raw.reply('4');
    raw.send(['4', '5', 'realtime:ok', 'made_up_event', { x: 1 }]);
    raw.send([null, '6', 'phoenix', 'heartbeat', {}]);
    await raw.reply('6');
    expect(raw.frames.some((f) => (f as unknown[])[1] === '5')).toBe(false);
    expect(raw.closeCode).toBeNull();
    raw.close();
  });

  it('echoes each binding unchanged with a stable integer id and sends Subscribed after the reply', async () => {
    const raw = await RawSocket.open(h, h.keys.anonKey);
    const bindings = [
      { event: 'insert', schema: 'public', table: 'customers', select: ['id'] },
      { event: '*', schema: 'public', table: 'tickets', filter: 'status=eq.open' },
    ];
    raw.join('realtime:echo', '1', { access_token: await h.tokenFor(ADMIN), config: { postgres_changes: bindings } });
    raw.join('realtime:echo2', '2', { access_token: await h.tokenFor(ADMIN), config: { postgres_changes: bindings } });
    const r1 = (await raw.reply('1'))[4] as { status: string; response: { postgres_changes: { id: number }[] } };
    const r2 = (await raw.reply('2'))[4] as typeof r1;
    expect(r1.status).toBe('ok');
    expect(r1.response.postgres_changes.map(({ id: _id, ...rest }) => rest)).toEqual(bindings);
    for (const b of r1.response.postgres_changes) {
      expect(Number.isInteger(b.id)).toBe(true);
      expect(b.id).toBeGreaterThanOrEqual(0);
      expect(b.id).toBeLessThan(2 ** 27);
    }
    expect(r2.response.postgres_changes.map((b) => b.id)).toEqual(r1.response.postgres_changes.map((b) => b.id));
    const sys = await raw.next((f) => f[3] === 'system' && f[2] === 'realtime:echo', 'Subscribed');
    expect(sys).toEqual([
      '1',
      null,
      'realtime:echo',
      'system',
      { message: 'Subscribed to PostgreSQL', status: 'ok', extension: 'postgres_changes', channel: 'echo' },
    ]);
    expect(raw.frames.indexOf(sys)).toBeGreaterThan(raw.frames.findIndex((f) => (f as unknown[])[1] === '1'));
    raw.close();
  });

  it('runs a socket\'s joins in order: a leave and a broadcast sent right behind a join wait for it, a heartbeat does not', async () => {
    const raw = await RawSocket.open(h, h.keys.anonKey);
    const token = await h.tokenFor(ADMIN);
    const bindings = Array.from({ length: 50 }, (_, i) => ({ event: '*', schema: 'public', table: 'customers', filter: `full_name=eq.n${i}` }));
    // one write: the frames reach the server in one read
    for (let j = 0; j < 5; j++) raw.join(`realtime:order${j}`, `j${j}`, { access_token: token, config: { postgres_changes: bindings } });
    raw.send(['j4', 'b1', 'realtime:order4', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    raw.send(['j4', 'l1', 'realtime:order4', 'phx_leave', {}]);
    raw.send([null, 'h1', 'phoenix', 'heartbeat', {}]);
    await raw.reply('l1');
    const replies = raw.frames.filter((f) => (f as unknown[])[3] === 'phx_reply') as unknown[][];
    const refs = replies.map((f) => f[1]);
    // the heartbeat was answered before the joins were done; the broadcast and the leave after their join
    expect(refs.indexOf('h1')).toBeLessThan(refs.indexOf('j4'));
    expect(refs.filter((r) => r !== 'h1')).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'b1', 'l1']);
    for (const f of replies) expect((f[4] as { status: string }).status).toBe('ok');
    raw.close();
  });

  it('holds the reply until attached when postgres_changes_options.wait is set', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:wait', '1', {
      access_token: await h.tokenFor(ADMIN),
      config: { ...CUSTOMERS.config, postgres_changes_options: { wait: true } },
    });
    await raw.reply('1');
    // Attached before the reply: a change committed right after it is delivered.
    const id = await newCustomer(h.db, 'Right after the reply');
    const ev = await raw.next((f) => f[3] === 'postgres_changes', 'the change');
    expect(ev[0]).toBeNull();
    expect(ev[1]).toBeNull();
    expect((ev[4] as { data: { record: { id: string } } }).data.record.id).toBe(id);
    raw.close();
  });

  it('replaces a duplicate join: phx_close for the old join ref, then the new reply', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:dup', '1');
    await raw.reply('1');
    raw.join('realtime:dup', '2');
    await raw.reply('2');
    const close = raw.frames.find((f) => (f as unknown[])[3] === 'phx_close');
    expect(close).toEqual(['1', '1', 'realtime:dup', 'phx_close', {}]);
    expect(raw.frames.indexOf(close)).toBeLessThan(raw.frames.findIndex((f) => (f as unknown[])[1] === '2'));
    raw.close();
  });

  it('refuses the 101st channel on one socket', async () => {
    const raw = await RawSocket.open(h);
    for (let i = 0; i < 100; i++) raw.join(`realtime:many-${i}`, String(i + 1));
    await raw.reply('100');
    // Stay under the joins-per-second limit.
    await new Promise((r) => setTimeout(r, 1100));
    raw.join('realtime:many-100', '101');
    expect((await raw.reply('101'))[4]).toEqual({
      status: 'error',
      response: { reason: 'ChannelRateLimitReached: Too many channels' },
    });
    expect(raw.frames.filter((f) => (f as { status?: string }[])[4]?.status === 'ok')).toHaveLength(100);
    raw.close();
  });

  it('disconnects a join flood and an oversized frame without disturbing other clients', async () => {
    const bystander = await RawSocket.open(h);
    bystander.join('realtime:bystander', '1', { access_token: await h.tokenFor(ADMIN), ...CUSTOMERS });
    await bystander.next((f) => f[3] === 'system', 'bystander Subscribed');

    const flood = await RawSocket.open(h);
    for (let i = 0; i < 150; i++) flood.join(`realtime:flood-${i % 20}`, String(i + 1));
    await waitFor(() => flood.closeCode !== null, 'the flooding socket to close');
    expect(
      flood.frames.some(
        (f) =>
          (f as { response?: { reason?: string } }[])[4]?.response?.reason ===
          'ClientJoinRateLimitReached: Too many joins per second',
      ),
    ).toBe(true);

    const big = await RawSocket.open(h);
    big.send([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(100 * 1024) }]);
    await waitFor(() => big.closeCode !== null, 'the oversized socket to close');
    expect(big.closeCode).toBe(1009);

    const id = await newCustomer(h.db, 'Still delivered');
    const ev = await bystander.next((f) => f[3] === 'postgres_changes', 'the bystander change');
    expect((ev[4] as { data: { record: { id: string } } }).data.record.id).toBe(id);
    bystander.send([null, '9', 'phoenix', 'heartbeat', {}]);
    await bystander.reply('9');
    bystander.close();
  });

  it('speaks vsn 1.0.0 object frames', async () => {
    const raw = await RawSocket.open(h, h.keys.anonKey, '1.0.0');
    raw.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '1' });
    await waitFor(() => raw.frames.length > 0, 'the v1 reply');
    expect(raw.frames[0]).toEqual({ topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '1' });
    raw.send({ topic: 'realtime:v1', event: 'phx_join', payload: { config: {} }, ref: '2', join_ref: '2' });
    await waitFor(() => raw.frames.length > 1, 'the v1 join reply');
    expect(raw.frames[1]).toEqual({
      topic: 'realtime:v1',
      event: 'phx_reply',
      payload: { status: 'ok', response: { postgres_changes: [] } },
      ref: '2',
    });
    raw.close();
  });

  it('fans out broadcast messages to the other members of a topic', async () => {
    const a = await RawSocket.open(h);
    const b = await RawSocket.open(h);
    a.join('realtime:room', '1');
    b.join('realtime:room', '1');
    await Promise.all([a.reply('1'), b.reply('1')]);
    a.send(['1', '2', 'realtime:room', 'broadcast', { type: 'broadcast', event: 'hello', payload: { n: 1 } }]);
    expect(await b.next((f) => f[3] === 'broadcast', 'the broadcast')).toEqual([
      null,
      null,
      'realtime:room',
      'broadcast',
      { type: 'broadcast', event: 'hello', payload: { n: 1 } },
    ]);
    expect(a.frames.some((f) => (f as unknown[])[3] === 'broadcast')).toBe(false);
    a.close();
    b.close();
  });
});

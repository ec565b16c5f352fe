import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, newCustomer, RawSocket, sleep, startHarness, waitFor, watch, type Harness, type Watch } from './realtime-harness.ts';

// Hostile or greedy realtime clients, with Supabase's own limits (100 channels per socket, 100 joins
// per second, 5 MB frames, ~3000 KB broadcasts): each gets its error, and a well-behaved client
// on the same stack keeps receiving its changes.

// Written by hand: JSON.stringify itself runs out of stack on values this deep.
const nestedJson = (depth: number): string => `${'{"k":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;

type Reply = [string, string, string, string, { status: string; response: { reason?: string; error?: string } }];

/** A raw socket that keeps binary frames apart (RawSocket parses every frame as JSON). */
async function binarySocket(h: Harness): Promise<{ ws: WebSocket; binary: Buffer[]; text: unknown[] }> {
  const ws = new WebSocket(RawSocket.url(h, h.keys.anonKey));
  const binary: Buffer[] = [];
  const text: unknown[] = [];
  ws.on('message', (data: Buffer, isBinary) => (isBinary ? binary.push(data) : text.push(JSON.parse(data.toString()))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, binary, text };
}

describe('realtime under hostile input', () => {
  let h: Harness;
  let good: Watch;

  beforeAll(async () => {
    h = await startHarness();
    const admin = await h.signIn(ADMIN);
    good = watch(admin, 'well-behaved', [{ event: 'INSERT', table: 'customers' }]);
    await good.live();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function stillServesOthers(): Promise<void> {
    const before = good.events.length;
    await newCustomer(h.db, `Still served ${Date.now()}`);
    await waitFor(() => good.events.length > before, 'the well-behaved client to get its change');
    expect((await fetch(`${h.url}/health`)).status).toBe(200);
  }

  it('answers join params nested 5,000 deep with a join error, and the socket carries on', async () => {
    const raw = await RawSocket.open(h);
    raw.send(`["1","1","realtime:deep","phx_join",{"config":{"postgres_changes":[{"event":"*","table":"customers","x":${nestedJson(5000)}}]}}]`);
    const reply = (await raw.reply('1')) as Reply;
    expect(reply[4]).toEqual({ status: 'error', response: { reason: 'InvalidJoinPayload: the join payload is nested more than 32 levels deep' } });
    raw.join('realtime:after-deep', '2', { config: { postgres_changes: [{ event: '*', schema: 'public', table: 'customers' }] } });
    expect(((await raw.reply('2')) as Reply)[4].status).toBe('ok');
    raw.close();
    await stillServesOthers();
  });

  it('refuses more than 100 bindings in one join', async () => {
    const raw = await RawSocket.open(h);
    const bindings = Array.from({ length: 101 }, (_, i) => ({ event: 'INSERT', schema: 'public', table: 'customers', filter: `full_name=eq.n${i}` }));
    raw.join('realtime:greedy', '1', { config: { postgres_changes: bindings } });
    expect(((await raw.reply('1')) as Reply)[4].response.reason).toBe(
      'InvalidJoinPayload: at most 100 postgres_changes bindings per channel, got 101',
    );
    raw.close();
  });

  it('refuses a private channel with Supabase\'s reason (supabase-js reports CHANNEL_ERROR)', async () => {
    const admin = await h.signIn(ADMIN);
    let failure: Error | undefined;
    const statuses: string[] = [];
    admin.channel('secret-room', { config: { private: true } }).subscribe((status, err) => {
      statuses.push(status);
      if (err) failure ??= err;
    });
    await waitFor(() => failure !== undefined, 'the private join to fail');
    expect(statuses[0]).toBe('CHANNEL_ERROR');
    expect(failure!.message).toContain('Unauthorized: You do not have permissions to read from this Channel topic: secret-room');
    admin.realtime.disconnect();
    await stillServesOthers();
  });

  it('fans a binary broadcast out as a binary kind-4 frame, bytes untouched, and JSON ones as JSON', async () => {
    const sender = await h.signIn(ADMIN);
    const receiver = await h.signIn(ADMIN);
    const got: unknown[] = [];
    const ch = receiver.channel('bin-room').on('broadcast', { event: '*' }, (m) => got.push(m.payload));
    await new Promise<void>((resolve) => ch.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
    const raw = await binarySocket(h);
    raw.ws.send(JSON.stringify(['9', '9', 'realtime:bin-room', 'phx_join', { config: {} }]));
    await waitFor(() => raw.text.some((f) => (f as unknown[])[1] === '9'), 'raw join');
    const out = sender.channel('bin-room', { config: { broadcast: { ack: true } } });
    await new Promise<void>((resolve) => out.subscribe((s) => s === 'SUBSCRIBED' && resolve()));

    const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) % 256);
    expect(await out.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer })).toBe('ok');
    expect(await out.send({ type: 'broadcast', event: 'json', payload: { hello: 'world' } })).toBe('ok');
    await waitFor(() => got.length === 2 && raw.binary.length === 2, 'both broadcasts on both receivers');
    expect(got[0]).toBeInstanceOf(ArrayBuffer);
    // (Buffer.equals: a deep toEqual over a million elements would block this process, stack included.)
    expect(Buffer.from(got[0] as ArrayBuffer).equals(Buffer.from(bytes))).toBe(true);
    expect(got[1]).toEqual({ hello: 'world' });
    const frame = raw.binary[0]!;
    expect(frame[0]).toBe(4);
    // header + topic + event + payload: the frame is the payload's size, not a 3x JSON array of numbers.
    expect(frame.length).toBe(5 + 'realtime:bin-room'.length + 'blob'.length + bytes.length);
    raw.ws.terminate();
    sender.realtime.disconnect();
    receiver.realtime.disconnect();
  });

  it('refuses a broadcast over the payload limit (ack error, nothing fanned out)', async () => {
    const sender = await h.signIn(ADMIN);
    const receiver = await h.signIn(ADMIN);
    const got: unknown[] = [];
    const ch = receiver.channel('big-room').on('broadcast', { event: '*' }, (m) => got.push(m));
    await new Promise<void>((resolve) => ch.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
    const out = sender.channel('big-room', { config: { broadcast: { ack: true } } });
    await new Promise<void>((resolve) => out.subscribe((s) => s === 'SUBSCRIBED' && resolve()));
    expect(await out.send({ type: 'broadcast', event: 'huge', payload: new Uint8Array(4 * 1024 * 1024).buffer })).toBe('error');
    expect(await out.send({ type: 'broadcast', event: 'small', payload: { ok: true } })).toBe('ok');
    await waitFor(() => got.length === 1, 'the small broadcast');
    expect((got[0] as { event: string }).event).toBe('small');
    sender.realtime.disconnect();
    receiver.realtime.disconnect();
    await stillServesOthers();
  });

  it('closes a socket that sends a frame over 5,000,000 bytes (1009), as the real endpoint does', async () => {
    const raw = await RawSocket.open(h);
    raw.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(5_000_001) }]));
    await waitFor(() => raw.closeCode !== null, 'the socket to close');
    expect(raw.closeCode).toBe(1009);
    await stillServesOthers();
  });

  it('refuses the 101st channel on one socket: ChannelRateLimitReached', async () => {
    const raw = await RawSocket.open(h);
    for (let i = 0; i < 100; i++) {
      raw.join(`realtime:c${i}`, String(i + 1));
      if (i === 59) await sleep(1100); // stay under 100 joins per second
    }
    await waitFor(() => raw.frames.filter((f) => (f as unknown[])[3] === 'phx_reply').length === 100, '100 join replies');
    await sleep(1100);
    raw.join('realtime:c100', '101');
    expect(((await raw.reply('101')) as Reply)[4]).toEqual({ status: 'error', response: { reason: 'ChannelRateLimitReached: Too many channels' } });
    expect(raw.closeCode).toBeNull();
    raw.close();
  });

  it('refuses the 101st join within a second and disconnects the socket: ClientJoinRateLimitReached', async () => {
    const raw = await RawSocket.open(h);
    for (let i = 0; i < 101; i++) raw.join(`realtime:burst${i}`, `j${i}`);
    const reply = (await raw.reply('j100')) as Reply;
    expect(reply[4]).toEqual({ status: 'error', response: { reason: 'ClientJoinRateLimitReached: Too many joins per second' } });
    await waitFor(() => raw.closeCode !== null, 'the socket to be disconnected');
    await stillServesOthers();
  });

  it('keeps /health and /auth/v1/settings answering through a join storm of 50 joins x 100 bindings', async () => {
    const raw = await RawSocket.open(h);
    const token = await h.tokenFor(ADMIN);
    let storming = true;
    const answered: number[] = [];
    const prober = (async () => {
      while (storming) {
        const [a, b] = await Promise.all([fetch(`${h.url}/health`), fetch(`${h.url}/auth/v1/settings`, { headers: { apikey: h.keys.anonKey } })]);
        answered.push(a.status, b.status);
        await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
      }
    })();
    for (let j = 0; j < 50; j++) {
      const bindings = Array.from({ length: 100 }, (_, i) => ({
        event: i % 2 ? 'INSERT' : '*',
        schema: 'public',
        table: i % 3 ? 'customers' : 'tickets',
        filter: i % 3 ? `full_name=eq.storm-${j}-${i}` : `status=in.(open,in_progress)`,
      }));
      raw.join(`realtime:storm${j}`, `s${j}`, { access_token: token, config: { postgres_changes: bindings } });
    }
    await waitFor(
      () => raw.frames.filter((f) => (f as unknown[])[3] === 'system' && String((f as unknown[])[2]).startsWith('realtime:storm')).length === 50,
      '50 Subscribed messages',
      60_000,
    );
    storming = false;
    await prober;
    const systems = raw.frames.filter((f) => (f as unknown[])[3] === 'system') as [string, null, string, string, { message: string }][];
    expect(systems.every((f) => f[4].message === 'Subscribed to PostgreSQL')).toBe(true);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(answered.every((s) => s === 200)).toBe(true);
    raw.close();
    await stillServesOthers();
  });
});

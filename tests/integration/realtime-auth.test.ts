import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  newCustomer,
  RawSocket,
  sleep,
  startHarness,
  SUPPORT,
  waitFor,
  watch,
  type Harness,
} from './realtime-harness.ts';

describe('realtime auth', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const forged = () =>
    new SignJWT({ role: 'authenticated', sub: '00000000-0000-4000-8000-000000000000' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
  const expired = () =>
    h.keys.sign({ role: 'anon', iss: 'supabase-demo', exp: Math.floor(Date.now() / 1000) - 120 });

  it('refuses the upgrade with the status and body Realtime sends', async () => {
    expect(await RawSocket.refused(h, null)).toEqual({ status: 401, body: { error: 'API key is missing' } });
    expect(await RawSocket.refused(h, await forged())).toEqual({
      status: 401,
      body: { error: 'Failed to validate JWT signature' },
    });
    expect(await RawSocket.refused(h, await expired())).toEqual({ status: 401, body: { error: 'Token has expired' } });
    expect(await RawSocket.refused(h, 'not-a-jwt')).toEqual({
      status: 401,
      body: { error: 'The token provided is not a valid JWT' },
    });
  });

  it('accepts the publishable key as the anon key', async () => {
    const raw = await RawSocket.open(h, h.keys.publishableKey);
    raw.join('realtime:pub', '1');
    expect(await raw.reply('1')).toEqual(['1', '1', 'realtime:pub', 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }]);
    raw.close();
  });

  it('answers joins with bad or expired access tokens with the coded reasons', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:forged', '1', { access_token: await forged() });
    raw.join('realtime:expired', '2', { access_token: await expired() });
    raw.join('realtime:garbage', '3', { access_token: 'abc.def' });
    expect(await raw.reply('1')).toEqual([
      '1',
      '1',
      'realtime:forged',
      'phx_reply',
      { status: 'error', response: { reason: 'JwtSignatureError: Failed to validate JWT signature' } },
    ]);
    const exp = (await raw.reply('2'))[4] as { response: { reason: string } };
    expect(exp.response.reason).toMatch(/^InvalidJWTToken: Token has expired 1[12]\d seconds ago$/);
    expect(((await raw.reply('3'))[4] as { response: { reason: string } }).response.reason).toBe(
      'MalformedJWT: The token provided is not a valid JWT',
    );
    raw.close();
  });

  it('takes a refreshed token without replying and subscribes again', async () => {
    const admin = await h.signIn(ADMIN);
    const w = watch(admin, 'refresh', [{ event: 'INSERT', table: 'customers' }]);
    await w.live();
    const before = (await admin.auth.getSession()).data.session!.access_token;
    // A token minted in the same second as the first one is byte-identical (iat/exp are seconds),
    // and supabase-js pushes access_token only when the token changed: refresh in a later second.
    const { iat } = JSON.parse(Buffer.from(before.split('.')[1]!, 'base64url').toString()) as { iat: number };
    await sleep(Math.max(0, (iat + 1) * 1000 - Date.now()) + 50);
    const { data, error } = await admin.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.access_token).not.toBe(before);
    // supabase-js pushes access_token on TOKEN_REFRESHED; the server re-subscribes.
    await w.live(2);
    const id = await newCustomer(h.db, 'After refresh');
    await waitFor(() => w.events.some((e) => e.new.id === id), 'a change after the refresh');
    expect(w.statuses).toEqual(['SUBSCRIBED']);

    const raw = await RawSocket.open(h);
    raw.join('realtime:raw-refresh', '1', {
      access_token: await h.tokenFor(SUPPORT),
      config: { postgres_changes: [{ event: '*', schema: 'public', table: 'tickets' }] },
    });
    await raw.next((f) => f[3] === 'system', 'first Subscribed');
    raw.send(['1', '2', 'realtime:raw-refresh', 'access_token', { access_token: await h.tokenFor(SUPPORT) }]);
    await waitFor(() => raw.frames.filter((f) => (f as unknown[])[3] === 'system').length === 2, 'second Subscribed');
    expect(raw.frames.some((f) => (f as unknown[])[1] === '2')).toBe(false);
    raw.close();
  });

  it('refuses to run RLS checks as a role not granted to authenticator', async () => {
    const raw = await RawSocket.open(h);
    const token = await h.keys.sign({ role: 'postgres', exp: Math.floor(Date.now() / 1000) + 60 });
    raw.join('realtime:superuser', '1', {
      access_token: token,
      config: { postgres_changes: [{ event: '*', schema: 'public', table: 'orders' }] },
    });
    const sys = (await raw.next((f) => f[3] === 'system', 'system error'))[4] as { status: string; message: string };
    expect(sys.status).toBe('error');
    expect(sys.message).toMatch(/Exception: permission denied to set role "postgres"$/);
    raw.close();
  });

  it('closes the channel with a system error when a pushed token is forged', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:bad-push', '1', { access_token: await h.tokenFor(ADMIN) });
    await raw.reply('1');
    raw.send(['1', '2', 'realtime:bad-push', 'access_token', { access_token: await forged() }]);
    expect(await raw.next((f) => f[3] === 'system', 'system error')).toEqual([
      '1',
      null,
      'realtime:bad-push',
      'system',
      { extension: 'system', status: 'error', message: 'Failed to validate JWT signature', channel: 'bad-push' },
    ]);
    expect(await raw.next((f) => f[3] === 'phx_close', 'phx_close')).toEqual(['1', '1', 'realtime:bad-push', 'phx_close', {}]);
    raw.close();
  });

  it('closes a channel whose token expires while joined', async () => {
    const token = await h.tokenFor(ADMIN, 2);
    const client = await h.withToken(() => token);
    const w = watch(client, 'expiring', [{ event: '*', table: 'tickets' }]);
    await w.live();
    await waitFor(() => w.statuses.includes('CLOSED'), 'CLOSED after expiry', 10_000);
    const err = w.system.find((s) => s.status === 'error')!;
    expect(err.extension).toBe('system');
    expect(err.message).toMatch(/^Token has expired [01] seconds ago$/);
  });

  it('leaves with an ok reply then phx_close carrying the join ref', async () => {
    const raw = await RawSocket.open(h);
    raw.join('realtime:leave', '5');
    await raw.reply('5');
    raw.send(['5', '6', 'realtime:leave', 'phx_leave', {}]);
    expect(await raw.reply('6')).toEqual(['5', '6', 'realtime:leave', 'phx_reply', { status: 'ok', response: {} }]);
    expect(await raw.next((f) => f[3] === 'phx_close', 'phx_close')).toEqual(['5', '5', 'realtime:leave', 'phx_close', {}]);
    // After leaving, the topic is unknown to the socket.
    raw.send(['5', '7', 'realtime:leave', 'broadcast', {}]);
    expect(await raw.reply('7')).toEqual([
      null,
      '7',
      'realtime:leave',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
    raw.close();
  });
});

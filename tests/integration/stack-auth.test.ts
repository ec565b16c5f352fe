import { decodeJwt, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, client, SUPPORT, startTestStack } from './stack-setup.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ jwtExpirySec: 600 });
});
afterAll(async () => {
  await stack?.close();
});

async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.url}/auth/v1${path}`, {
    ...init,
    headers: { apikey: ANON_KEY, 'X-Supabase-Api-Version': '2024-01-01', 'Content-Type': 'application/json', ...init.headers },
  });
}

describe('auth: password grant', () => {
  it('signs the seeded admin in with a Supabase-shaped session and access token', async () => {
    const sb = client(stack);
    const { data, error } = await sb.auth.signInWithPassword(ADMIN);
    expect(error).toBeNull();
    const session = data.session!;
    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(600);
    expect(session.expires_at).toBeGreaterThan(Date.now() / 1000 + 500);
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(session.user.email).toBe(ADMIN.email);
    expect(session.user.app_metadata).toMatchObject({ provider: 'email' });
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({
      sub: session.user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: ADMIN.email,
      aal: 'aal1',
      is_anonymous: false,
      iss: `${stack.url}/auth/v1`,
    });
    expect(typeof claims.session_id).toBe('string');
    expect(claims.exp! - claims.iat!).toBe(600);
  });

  it('refuses a wrong password and an unknown email with invalid_credentials', async () => {
    const sb = client(stack);
    for (const creds of [{ ...ADMIN, password: 'wrong-password' }, { email: 'nobody@example.com', password: 'password123' }]) {
      const { data, error } = await sb.auth.signInWithPassword(creds);
      expect(data.session).toBeNull();
      expect(error?.status).toBe(400);
      expect(error?.code).toBe('invalid_credentials');
      expect(error?.message).toBe('Invalid login credentials');
    }
  });

  it('refuses banned and unconfirmed users with GoTrue\'s codes', async () => {
    const { rows } = await stack.db.query<{ id: string }>('select id from auth.users where email = $1', [SUPPORT.email]);
    const id = rows[0]!.id;
    try {
      await stack.db.query(`update auth.users set banned_until = now() + interval '1 hour' where id = $1`, [id]);
      const banned = await client(stack).auth.signInWithPassword(SUPPORT);
      expect(banned.error?.code).toBe('user_banned');
      await stack.db.query(`update auth.users set banned_until = null, email_confirmed_at = null where id = $1`, [id]);
      const unconfirmed = await client(stack).auth.signInWithPassword(SUPPORT);
      expect(unconfirmed.error?.code).toBe('email_not_confirmed');
    } finally {
      await stack.db.query(`update auth.users set banned_until = null, email_confirmed_at = coalesce(email_confirmed_at, now()) where id = $1`, [id]);
    }
  });

  it('answers in the 2024-01-01 shape with the API version header, and the legacy shape without it', async () => {
    const res = await authFetch('/token?grant_type=password', { method: 'POST', body: JSON.stringify({ email: ADMIN.email, password: 'nope' }) });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await res.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' });

    const legacy = await fetch(`${stack.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: ANON_KEY },
      body: JSON.stringify({ email: ADMIN.email, password: 'nope' }),
    });
    expect(await legacy.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  });

  it('rejects invalid JSON and unknown grants without harm', async () => {
    const bad = await authFetch('/token?grant_type=password', { method: 'POST', body: '{"email": ' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('bad_json');
    const missing = await authFetch('/token?grant_type=refresh_token', { method: 'POST', body: '{}' });
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'refresh_token required' });
    const grant = await authFetch('/token?grant_type=magic', { method: 'POST', body: '{}' });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' });
    const health = await fetch(`${stack.url}/health`);
    expect(health.status).toBe(200);
  });
});

describe('auth: refresh tokens', () => {
  it('rotates the refresh token and keeps the session', async () => {
    const sb = client(stack);
    const first = (await sb.auth.signInWithPassword(SUPPORT)).data.session!;
    const { data, error } = await sb.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(data.session!.access_token).session_id).toBe(decodeJwt(first.access_token).session_id);
    expect(data.user!.email).toBe(SUPPORT.email);
  });

  it('gives the active token back when the parent of it is replayed (a lost reply)', async () => {
    const sb = client(stack);
    const first = (await sb.auth.signInWithPassword(SUPPORT)).data.session!;
    const second = (await sb.auth.refreshSession({ refresh_token: first.refresh_token })).data.session!;
    const replay = await authFetch('/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token: first.refresh_token }) });
    expect(replay.status).toBe(200);
    expect((await replay.json()).refresh_token).toBe(second.refresh_token);
  });

  it('treats reuse of an older rotated token as an attack: already used, and the whole family is revoked', async () => {
    const sb = client(stack);
    const first = (await sb.auth.signInWithPassword(SUPPORT)).data.session!;
    const second = (await sb.auth.refreshSession({ refresh_token: first.refresh_token })).data.session!;
    const third = (await sb.auth.refreshSession({ refresh_token: second.refresh_token })).data.session!;
    expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3);
    await new Promise((r) => setTimeout(r, 50));

    const reuse = await authFetch('/token?grant_type=refresh_token', { method: 'POST', body: JSON.stringify({ refresh_token: first.refresh_token }) });
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({ code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });

    const { error } = await client(stack).auth.refreshSession({ refresh_token: third.refresh_token });
    expect(error?.code).toBe('refresh_token_already_used');
  });

  it('does not know made-up refresh tokens', async () => {
    const { error } = await client(stack).auth.refreshSession({ refresh_token: 'abcdefghijkl' });
    expect(error?.code).toBe('refresh_token_not_found');
    expect(error?.message).toBe('Invalid Refresh Token: Refresh Token Not Found');
  });
});

describe('auth: /user and /logout', () => {
  it('returns the signed-in user', async () => {
    const sb = client(stack);
    await sb.auth.signInWithPassword(ADMIN);
    const { data, error } = await sb.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email: ADMIN.email, aud: 'authenticated', role: 'authenticated', is_anonymous: false });
    expect(data.user!.last_sign_in_at).toBeTruthy();
  });

  it('refuses a missing bearer, the anon key, and forged or expired tokens', async () => {
    const none = await fetch(`${stack.url}/auth/v1/user`, { headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
    expect(none.status).toBe(401);
    expect((await none.json()).code).toBe('no_authorization');

    const anon = await authFetch('/user', { headers: { Authorization: `Bearer ${ANON_KEY}` } });
    expect(anon.status).toBe(403);
    expect(await anon.json()).toEqual({ code: 'bad_jwt', message: 'invalid claim: missing sub claim' });

    const sb = client(stack);
    const session = (await sb.auth.signInWithPassword(ADMIN)).data.session!;
    const claims = decodeJwt(session.access_token);
    const forged = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
    const forgedRes = await authFetch('/user', { headers: { Authorization: `Bearer ${forged}` } });
    expect(forgedRes.status).toBe(403);
    expect((await forgedRes.json()).code).toBe('bad_jwt');

    const now = Math.floor(Date.now() / 1000);
    const expired = await stack.keys.sign({ ...claims, iat: now - 7200, exp: now - 3600 });
    const { error } = await sb.auth.getUser(expired);
    expect(error?.status).toBe(403);
    expect(error?.code).toBe('bad_jwt');
  });

  it('logs out with 204; the session and its refresh tokens are gone', async () => {
    const sb = client(stack);
    const session = (await sb.auth.signInWithPassword(ADMIN)).data.session!;
    const res = await authFetch('/logout?scope=local', { method: 'POST', headers: { Authorization: `Bearer ${session.access_token}` } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');

    const user = await authFetch('/user', { headers: { Authorization: `Bearer ${session.access_token}` } });
    expect(user.status).toBe(403);
    expect((await user.json()).code).toBe('session_not_found');
    const { error } = await client(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error?.code).toBe('refresh_token_not_found');
  });

  it('signOut() through the client clears the local session', async () => {
    const sb = client(stack);
    await sb.auth.signInWithPassword(SUPPORT);
    const { error } = await sb.auth.signOut();
    expect(error).toBeNull();
    expect((await sb.auth.getSession()).data.session).toBeNull();
  });
});

describe('auth: CORS', () => {
  it('answers preflights and exposes X-Supabase-Api-Version to browsers', async () => {
    const pre = await fetch(`${stack.url}/auth/v1/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'apikey, content-type, x-client-info, x-supabase-api-version' },
    });
    expect(pre.status).toBe(200);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('apikey');
    const res = await authFetch('/token?grant_type=password', { method: 'POST', body: JSON.stringify(ADMIN), headers: { Origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });
});

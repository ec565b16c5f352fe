import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveApi } from '@/app/live-api';
import { createLiveEngine } from '@/live/engine';
import { transportFor } from '@/live/transport/transport-for';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore, NOT_STAFF_MESSAGE } from '@/live/stores/session-store';
import type { AuthChangeEvent } from '@supabase/supabase-js';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, client, startTestStack } from './stack-setup.ts';
import { newClient, waitFor } from './live-harness.ts';

// Sign-up through the real supabase-js, against a stack per config.toml setting.
const stacks: Stack[] = [];
async function stackWith(config: Parameters<typeof startTestStack>[0] = {}): Promise<Stack> {
  const stack = await startTestStack(config);
  stacks.push(stack);
  return stack;
}
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});

let n = 0;
const freshEmail = () => `new-${Date.now()}-${n++}@test.example`;

describe('signUp with config.toml as it is (sign-ups on, no confirmations)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith();
  });

  it('creates the user, signs it in with a session and emits SIGNED_IN', async () => {
    const sb = client(stack);
    const events: AuthChangeEvent[] = [];
    sb.auth.onAuthStateChange((event) => {
      events.push(event);
    });
    const email = freshEmail();
    const { data, error } = await sb.auth.signUp({ email: email.toUpperCase(), password: 'secret-pw', options: { data: { full_name: 'Nia New' } } });
    expect(error).toBeNull();
    const { user, session } = data;
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { full_name: 'Nia New', email_verified: true },
      is_anonymous: false,
    });
    expect(user?.email_confirmed_at).toBeTruthy();
    expect(user?.last_sign_in_at).toBeTruthy();
    expect(user?.identities).toHaveLength(1);
    expect(user?.identities?.[0]).toMatchObject({
      provider: 'email',
      id: user?.id,
      user_id: user?.id,
      identity_data: { sub: user?.id, email, email_verified: false, phone_verified: false, full_name: 'Nia New' },
    });
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(session?.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(decodeJwt(session!.access_token)).toMatchObject({ sub: user?.id, email, role: 'authenticated', user_metadata: { full_name: 'Nia New' } });
    await waitFor(() => events.includes('SIGNED_IN'), 'SIGNED_IN');
    expect((await sb.auth.getUser()).data.user?.id).toBe(user?.id);

    // and the password works afterwards
    const again = await client(stack).auth.signInWithPassword({ email, password: 'secret-pw' });
    expect(again.error).toBeNull();
    expect(again.data.user?.id).toBe(user?.id);
  });

  it('answers user_already_exists for a taken address, whatever its case', async () => {
    const { error, data } = await client(stack).auth.signUp({ email: 'Admin@Example.com', password: 'another-pw' });
    expect(data.session).toBeNull();
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists', message: 'User already registered' });
  });

  it('refuses a weak password with its reasons, and creates nobody', async () => {
    const email = freshEmail();
    const { error } = await client(stack).auth.signUp({ email, password: 'abc' });
    expect(error).toMatchObject({ name: 'AuthWeakPasswordError', status: 422, code: 'weak_password', message: 'Password should be at least 6 characters.' });
    expect((error as { reasons?: string[] }).reasons).toEqual(['length']);
    expect((await stack.db.query('select 1 from auth.users where email = $1', [email])).rows).toHaveLength(0);
  });

  it('refuses a missing password, a bad address and an empty body with GoTrue\'s errors', async () => {
    const sb = client(stack);
    expect((await sb.auth.signUp({ email: freshEmail(), password: '' })).error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Signup requires a valid password' });
    expect((await sb.auth.signUp({ email: 'not-an-address', password: 'secret-pw' })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Unable to validate email address: invalid format',
    });
    const res = await fetch(`${stack.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: stack.keys.anonKey, 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
      body: '{}',
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ code: 'anonymous_provider_disabled', message: 'Anonymous sign-ins are disabled' });
    const bad = await fetch(`${stack.url}/auth/v1/signup`, { method: 'POST', headers: { apikey: stack.keys.anonKey }, body: '{"email":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 400, error_code: 'bad_json' });
  });

  it('refuses hostile bodies cleanly and keeps serving', async () => {
    const post = (body: string) =>
      fetch(`${stack.url}/auth/v1/signup`, {
        method: 'POST',
        headers: { apikey: stack.keys.anonKey, 'Content-Type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
        body,
      });
    const deep = await post(`{"email":"${freshEmail()}","password":"secret-pw","data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { code: string }).code).toBe('bad_json');
    const big = await post(JSON.stringify({ email: freshEmail(), password: 'secret-pw', data: { blob: 'x'.repeat(2 << 20) } }));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ code: 'request_entity_too_large', message: 'Request body too large (max 1048576 bytes)' });
    const wrongType = await post(JSON.stringify({ email: 42, password: 'secret-pw' }));
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { code: string }).code).toBe('bad_json');
    expect((await fetch(`${stack.url}/auth/v1/settings`)).status).toBe(200);
  });

  it('reports sign-ups open in /settings', async () => {
    const settings = (await (await fetch(`${stack.url}/auth/v1/settings`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ disable_signup: false, mailer_autoconfirm: true, external: { email: true } });
  });

  it('gives a signed-up user no staff role: the RPCs and the dashboard refuse it ("staff only")', async () => {
    const email = freshEmail();
    const sb = client(stack);
    expect((await sb.auth.signUp({ email, password: 'secret-pw' })).error).toBeNull();
    const { error } = await sb.rpc('dashboard_kpis');
    expect(error).toMatchObject({ code: '42501', message: 'staff only' });
    expect((await stack.db.query('select 1 from public.profiles p join auth.users u on u.id = p.id where u.email = $1', [email])).rows).toHaveLength(0);

    // the dashboard's own sign-in path, as the login page uses it
    const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
    const appClient = newClient({ url: stack.url, stack } as Parameters<typeof newClient>[0]);
    const engine = createLiveEngine({ client: appClient, api: liveApi, stores, transportFor });
    engine.start();
    try {
      await waitFor(() => stores.session.getState().status === 'signed-out', 'no session at start');
      expect(await engine.signIn(email, 'secret-pw')).toEqual({ error: NOT_STAFF_MESSAGE });
      expect(stores.session.getState()).toMatchObject({ status: 'signed-out', message: NOT_STAFF_MESSAGE });
      expect(appClient.getChannels()).toHaveLength(0);
    } finally {
      engine.stop();
    }
  });
});

describe('signUp with [auth] enable_signup = false', () => {
  it("answers signup_disabled; existing users still sign in", async () => {
    const stack = await stackWith({ config: { auth: { enableSignup: false } } });
    const { data, error } = await client(stack).auth.signUp({ email: freshEmail(), password: 'secret-pw' });
    expect(data).toEqual({ user: null, session: null });
    expect(error).toMatchObject({ status: 422, code: 'signup_disabled', message: 'Signups not allowed for this instance' });
    expect((await client(stack).auth.signInWithPassword(ADMIN)).error).toBeNull();
    const settings = (await (await fetch(`${stack.url}/auth/v1/settings`)).json()) as Record<string, unknown>;
    expect(settings.disable_signup).toBe(true);
  });
});

describe('signUp with [auth.email] enable_signup = false', () => {
  it('refuses e-mail sign-ups and sign-ins with email_provider_disabled', async () => {
    const stack = await stackWith({ config: { auth: { email: { enabled: false } } } });
    expect((await client(stack).auth.signUp({ email: freshEmail(), password: 'secret-pw' })).error).toMatchObject({
      status: 400,
      code: 'email_provider_disabled',
      message: 'Email signups are disabled',
    });
    expect((await client(stack).auth.signInWithPassword(ADMIN)).error).toMatchObject({ status: 422, code: 'email_provider_disabled', message: 'Email logins are disabled' });
  });
});

describe('signUp with [auth.email] enable_confirmations = true and stricter password rules', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackWith({
      config: { auth: { minimumPasswordLength: 10, passwordRequirements: 'lower_upper_letters_digits', email: { enableConfirmations: true, maxFrequencySec: 60 } } },
    });
  });

  it('honours minimum_password_length and password_requirements', async () => {
    const { error } = await client(stack).auth.signUp({ email: freshEmail(), password: 'short' });
    expect(error).toMatchObject({ code: 'weak_password' });
    expect((error as { reasons?: string[] }).reasons).toEqual(['length', 'characters']);
    expect((await client(stack).auth.signUp({ email: freshEmail(), password: 'LongEnough42' })).error).toBeNull();
  });

  it('still signs in a user whose password the rules now call weak, and says so (weak_password)', async () => {
    const { data, error } = await client(stack).auth.signInWithPassword(ADMIN);
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();
    expect(data.weakPassword).toEqual({
      reasons: ['characters'],
      message: 'Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.',
    });
  });

  it('creates an unconfirmed user without a session; signing in answers email_not_confirmed', async () => {
    const sb = client(stack);
    const events: AuthChangeEvent[] = [];
    sb.auth.onAuthStateChange((event) => {
      events.push(event);
    });
    const email = freshEmail();
    const { data, error } = await sb.auth.signUp({ email, password: 'Secret-pw-42', options: { data: { full_name: 'Una Confirmed' } } });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: { full_name: 'Una Confirmed' } });
    expect(data.user?.confirmation_sent_at).toBeTruthy();
    expect(data.user?.email_confirmed_at).toBeUndefined();
    expect(data.user?.identities).toHaveLength(1);
    expect((await sb.auth.getSession()).data.session).toBeNull();
    expect(events).not.toContain('SIGNED_IN');

    const signIn = await client(stack).auth.signInWithPassword({ email, password: 'Secret-pw-42' });
    expect(signIn.error).toMatchObject({ status: 400, code: 'email_not_confirmed', message: 'Email not confirmed' });

    // a second sign-up within max_frequency is the e-mail pace limit, as GoTrue answers it
    const again = await client(stack).auth.signUp({ email, password: 'Secret-pw-42' });
    expect(again.error).toMatchObject({ status: 429, code: 'over_email_send_rate_limit' });
    expect(again.error?.message).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/);

    // once confirmed (by an admin here: no mail leaves the local stack), the password works
    await stack.db.query('update auth.users set email_confirmed_at = now() where email = $1', [email]);
    expect((await client(stack).auth.signInWithPassword({ email, password: 'Secret-pw-42' })).error).toBeNull();
  });

  it("does not tell whether a confirmed address is taken: a made-up user, as GoTrue's obfuscation", async () => {
    const { data, error } = await client(stack).auth.signUp({ email: ADMIN.email, password: 'Anything-123', options: { data: { x: 1 } } });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({ email: ADMIN.email, identities: [], user_metadata: { x: 1 }, role: '' });
    const { rows } = await stack.db.query<{ id: string }>('select id from auth.users where email = $1', [ADMIN.email]);
    expect(data.user?.id).not.toBe(rows[0]?.id);
    expect(data.user?.confirmation_sent_at).toBeTruthy();
  });

  it('reports confirmations in /settings', async () => {
    const settings = (await (await fetch(`${stack.url}/auth/v1/settings`)).json()) as Record<string, unknown>;
    expect(settings.mailer_autoconfirm).toBe(false);
  });
});

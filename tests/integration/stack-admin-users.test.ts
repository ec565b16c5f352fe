import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '@supabase/supabase-js';
import type { Stack } from '../../local-supabase/stack.ts';
import { ADMIN, client, serviceClient, signedIn, startTestStack, SUPPORT } from './stack-setup.ts';
import { SERVICE_ROLE_KEY } from '../../local-supabase/auth/keys.ts';

// supabase.auth.admin.* with the service role, as against the CLI's local GoTrue.
let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

let n = 0;
const freshEmail = () => `adm-${Date.now()}-${n++}@test.example`;

describe('auth.admin.createUser', () => {
  it('creates a confirmed user with password and metadata, who can then sign in', async () => {
    const admin = serviceClient(stack).auth.admin;
    const email = freshEmail();
    const { data, error } = await admin.createUser({
      email,
      password: 'Created-pw-1',
      email_confirm: true,
      user_metadata: { full_name: 'Cleo Created' },
      app_metadata: { team: 'north', provider: 'email' },
    });
    expect(error).toBeNull();
    const user = data.user!;
    expect(user).toMatchObject({
      email,
      role: 'authenticated',
      aud: 'authenticated',
      user_metadata: { full_name: 'Cleo Created', email_verified: true },
      app_metadata: { provider: 'email', providers: ['email'], team: 'north' },
    });
    expect(user.email_confirmed_at).toBeTruthy();
    expect(user.identities?.[0]).toMatchObject({ provider: 'email', identity_data: { email, sub: user.id } });
    const signIn = await client(stack).auth.signInWithPassword({ email, password: 'Created-pw-1' });
    expect(signIn.error).toBeNull();
    expect(signIn.data.user?.app_metadata).toMatchObject({ team: 'north' });
  });

  it('leaves a user created without email_confirm unconfirmed (sign-in: email_not_confirmed)', async () => {
    const email = freshEmail();
    const { data } = await serviceClient(stack).auth.admin.createUser({ email, password: 'Created-pw-1' });
    expect(data.user?.email_confirmed_at).toBeUndefined();
    expect((await client(stack).auth.signInWithPassword({ email, password: 'Created-pw-1' })).error?.code).toBe('email_not_confirmed');
  });

  it("answers GoTrue's errors for a taken e-mail, no e-mail, a bad id and a bad ban", async () => {
    const admin = serviceClient(stack).auth.admin;
    expect((await admin.createUser({ email: 'ADMIN@example.com', password: 'x-123456' })).error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    });
    expect((await admin.createUser({ password: 'x-123456' })).error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Cannot create a user without either an email or phone',
    });
    expect((await admin.createUser({ email: freshEmail(), id: 'not-a-uuid' })).error?.message).toBe('ID must conform to the uuid v4 format');
    expect((await admin.createUser({ email: freshEmail(), ban_duration: 'forever' })).error).toMatchObject({
      status: 400,
      message: 'invalid format for ban duration: time: invalid duration "forever"',
    });
  });

  it('takes a chosen id', async () => {
    const id = crypto.randomUUID();
    const { data } = await serviceClient(stack).auth.admin.createUser({ id, email: freshEmail(), email_confirm: true });
    expect(data.user?.id).toBe(id);
  });
});

describe('auth.admin.listUsers', () => {
  it('pages newest first with the total and next/last pages auth-js reads from Link and X-Total-Count', async () => {
    const admin = serviceClient(stack).auth.admin;
    for (let i = 0; i < 3; i++) await admin.createUser({ email: freshEmail(), email_confirm: true });
    const { rows } = await stack.db.query<{ n: number }>(`select count(*)::int as n from auth.users where aud = 'authenticated'`);
    const total = rows[0]!.n;
    const perPage = Math.ceil(total / 3);
    const first = await admin.listUsers({ page: 1, perPage });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ aud: 'authenticated', total, nextPage: 2, lastPage: 3 });
    expect(first.data.users).toHaveLength(perPage);
    const created = first.data.users.map((u: User) => Date.parse(u.created_at));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const pages = [first.data.users];
    for (const page of [2, 3]) pages.push((await admin.listUsers({ page, perPage })).data.users);
    const ids = pages.flat().map((u: User) => u.id);
    expect(new Set(ids).size).toBe(total);
    expect(ids).toContain('a0000000-0000-4000-8000-000000000001');

    const last = await admin.listUsers({ page: 3, perPage });
    expect(last.data).toMatchObject({ nextPage: null, lastPage: 3, total });
  });

  it('defaults to 50 per page and answers the raw headers as GoTrue does', async () => {
    const res = await fetch(`${stack.url}/auth/v1/admin/users?page=&per_page=`, { headers: { apikey: SERVICE_ROLE_KEY, Authorization: `Bearer ${SERVICE_ROLE_KEY}` } });
    expect(res.status).toBe(200);
    const total = Number(res.headers.get('x-total-count'));
    expect(total).toBeGreaterThan(0);
    expect(res.headers.get('link')).toBe(`</admin/users?page=1&per_page=>; rel="last"`);
    expect(res.headers.get('access-control-expose-headers')).toContain('Link');
    const body = (await res.json()) as { users: unknown[]; aud: string };
    expect(body.aud).toBe('authenticated');
    expect(body.users.length).toBe(Math.min(total, 50));
    const bad = await fetch(`${stack.url}/auth/v1/admin/users?page=x`, {
      headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'X-Supabase-Api-Version': '2024-01-01' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('validation_failed');
  });
});

describe('auth.admin.getUserById / updateUserById', () => {
  it('reads a user, and 404s an unknown id', async () => {
    const admin = serviceClient(stack).auth.admin;
    const { data } = await admin.getUserById('a0000000-0000-4000-8000-000000000002');
    expect(data.user).toMatchObject({ email: SUPPORT.email });
    expect((await admin.getUserById(crypto.randomUUID())).error).toMatchObject({ status: 404, code: 'user_not_found', message: 'User not found' });
  });

  it('changes the password (ending every session), e-mail and metadata (merged; null deletes)', async () => {
    const admin = serviceClient(stack).auth.admin;
    const email = freshEmail();
    const { data } = await admin.createUser({ email, password: 'First-pw-1', email_confirm: true, user_metadata: { a: 1, b: 2 } });
    const id = data.user!.id;
    const sb = client(stack);
    const session = (await sb.auth.signInWithPassword({ email, password: 'First-pw-1' })).data.session!;

    const newEmail = freshEmail();
    const updated = await admin.updateUserById(id, { password: 'Second-pw-2', email: newEmail, user_metadata: { b: null, c: 3 }, app_metadata: { plan: 'pro' } });
    expect(updated.error).toBeNull();
    expect(updated.data.user).toMatchObject({ email: newEmail, user_metadata: { a: 1, c: 3, email_verified: true }, app_metadata: { plan: 'pro', provider: 'email' } });
    expect(updated.data.user?.user_metadata).not.toHaveProperty('b');
    expect(updated.data.user?.identities?.[0]?.identity_data).toMatchObject({ email: newEmail });

    // the old session is gone, the old password no longer works, the new one does
    const refresh = await client(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error?.code).toBe('refresh_token_not_found');
    expect((await client(stack).auth.signInWithPassword({ email: newEmail, password: 'First-pw-1' })).error?.code).toBe('invalid_credentials');
    expect((await client(stack).auth.signInWithPassword({ email: newEmail, password: 'Second-pw-2' })).error).toBeNull();
  });

  it('refuses a weak new password and an e-mail taken by someone else', async () => {
    const admin = serviceClient(stack).auth.admin;
    const { data } = await admin.createUser({ email: freshEmail(), email_confirm: true });
    const id = data.user!.id;
    expect((await admin.updateUserById(id, { password: 'abc' })).error).toMatchObject({ status: 422, code: 'weak_password' });
    expect((await admin.updateUserById(id, { email: ADMIN.email })).error).toMatchObject({ status: 422, code: 'email_exists' });
  });

  it('bans with ban_duration (sign-in: user_banned) and lifts it with "none"', async () => {
    const admin = serviceClient(stack).auth.admin;
    const email = freshEmail();
    const { data } = await admin.createUser({ email, password: 'Banned-pw-1', email_confirm: true });
    const banned = await admin.updateUserById(data.user!.id, { ban_duration: '24h' });
    expect(Date.parse(banned.data.user!.banned_until!)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect((await client(stack).auth.signInWithPassword({ email, password: 'Banned-pw-1' })).error).toMatchObject({ code: 'user_banned', message: 'User is banned' });
    const lifted = await admin.updateUserById(data.user!.id, { ban_duration: 'none' });
    expect(lifted.data.user?.banned_until).toBeUndefined();
    expect((await client(stack).auth.signInWithPassword({ email, password: 'Banned-pw-1' })).error).toBeNull();
  });
});

describe('auth.admin.deleteUser', () => {
  it('deletes a user with its identities, sessions and (ON DELETE CASCADE) its staff profile', async () => {
    const admin = serviceClient(stack).auth.admin;
    const email = freshEmail();
    const { data } = await admin.createUser({ email, password: 'Staff-pw-1', email_confirm: true });
    const id = data.user!.id;
    await stack.db.query(`insert into public.profiles (id, display_name, role) values ($1, 'Temp Staff', 'support')`, [id]);
    const sb = await signedIn(stack, { email, password: 'Staff-pw-1' });
    const refreshToken = (await sb.auth.getSession()).data.session!.refresh_token;

    const { error } = await admin.deleteUser(id);
    expect(error).toBeNull();
    for (const table of ['auth.users', 'auth.identities', 'auth.sessions', 'public.profiles']) {
      const col = table === 'auth.users' || table === 'public.profiles' ? 'id' : 'user_id';
      expect((await stack.db.query(`select 1 from ${table} where ${col} = $1`, [id])).rows, table).toHaveLength(0);
    }
    expect((await client(stack).auth.refreshSession({ refresh_token: refreshToken })).error?.code).toBe('refresh_token_not_found');
    expect((await sb.auth.getUser()).error).toMatchObject({ status: 403, code: 'user_not_found' });
    expect((await admin.getUserById(id)).error?.status).toBe(404);
  });

  it('soft-deletes with shouldSoftDelete: the row stays, anonymised, and cannot sign in', async () => {
    const admin = serviceClient(stack).auth.admin;
    const email = freshEmail();
    const { data } = await admin.createUser({ email, password: 'Soft-pw-1', email_confirm: true, user_metadata: { full_name: 'Sid Soft' } });
    const id = data.user!.id;
    expect((await admin.deleteUser(id, true)).error).toBeNull();
    const { data: after } = await admin.getUserById(id);
    expect(after.user?.email).not.toBe(email);
    expect(after.user?.user_metadata).toEqual({});
    expect((after.user as unknown as { deleted_at?: string }).deleted_at).toBeTruthy();
    expect((await client(stack).auth.signInWithPassword({ email, password: 'Soft-pw-1' })).error?.code).toBe('invalid_credentials');
    // the address is free again
    expect((await admin.createUser({ email, email_confirm: true })).error).toBeNull();
  });

  it('keeps the user when another table still references it without a cascade, as on Supabase (500)', async () => {
    const admin = serviceClient(stack).auth.admin;
    const { data } = await admin.createUser({ email: freshEmail(), email_confirm: true });
    const id = data.user!.id;
    await stack.db.exec(`create table public.test_user_refs (user_id uuid references auth.users (id)); insert into public.test_user_refs values ('${id}');`);
    try {
      // auth-js reports any 500 as a retryable fetch error; the body is GoTrue's
      expect((await admin.deleteUser(id)).error).toMatchObject({ name: 'AuthRetryableFetchError', status: 500 });
      const res = await fetch(`${stack.url}/auth/v1/admin/users/${id}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${SERVICE_ROLE_KEY}`, 'X-Supabase-Api-Version': '2024-01-01' },
      });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ code: 'unexpected_failure', message: 'Database error deleting user' });
      expect((await admin.getUserById(id)).data.user?.id).toBe(id);
    } finally {
      await stack.db.exec('drop table public.test_user_refs');
    }
  });
});

describe('admin endpoints refuse everyone but the service role', () => {
  it("answers 403 not_admin to the anon key and to a signed-in user, 401 without a token", async () => {
    expect((await client(stack).auth.admin.listUsers()).error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' });
    const staff = await signedIn(stack, ADMIN);
    const token = (await staff.auth.getSession()).data.session!.access_token;
    for (const [method, path] of [
      ['GET', '/admin/users'],
      ['POST', '/admin/users'],
      ['GET', '/admin/users/a0000000-0000-4000-8000-000000000002'],
      ['PUT', '/admin/users/a0000000-0000-4000-8000-000000000002'],
      ['DELETE', '/admin/users/a0000000-0000-4000-8000-000000000002'],
    ] as const) {
      const res = await fetch(`${stack.url}/auth/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'X-Supabase-Api-Version': '2024-01-01', 'Content-Type': 'application/json' },
        body: method === 'GET' ? undefined : '{"email":"x@y.z"}',
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toEqual({ code: 'not_admin', message: 'User not allowed' });
    }
    const none = await fetch(`${stack.url}/auth/v1/admin/users`, { headers: { 'X-Supabase-Api-Version': '2024-01-01' } });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ code: 'no_authorization', message: 'This endpoint requires a valid Bearer token' });
    // nothing was changed
    expect((await serviceClient(stack).auth.admin.getUserById('a0000000-0000-4000-8000-000000000002')).data.user?.email).toBe(SUPPORT.email);
  });
});

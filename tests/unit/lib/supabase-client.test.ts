import { readFileSync } from 'node:fs';
import { createClient } from '@supabase/supabase-js';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createSupabaseClient, SUPABASE_JS_VERSION, type AppSupabaseClient } from '@/lib/supabase';

// src/lib/supabase.ts builds the app's client from auth-js, postgrest-js and realtime-js instead of
// the umbrella supabase-js (smaller first load). These tests hold it to supabase-js's own wiring:
// the same requests with the same headers, the same storage key and realtime endpoint, and the
// session's token handed to realtime on sign-in, refresh and sign-out.

const URL_ = 'http://127.0.0.1:54321';
const ANON = 'anon-key';

const EXP = Math.floor(Date.now() / 1000) + 3600; // one value for the whole file, so tokens compare equal
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (sub: string, n: number) => `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ sub, role: 'authenticated', exp: EXP, n })}.sig`;

interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** A fake Supabase: auth answers sessions (a new token per grant), the data API answers `[]`. */
function fakeServer() {
  const calls: Recorded[] = [];
  let issued = 0;
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = Object.fromEntries(new Headers(init?.headers));
    calls.push({ method: init?.method ?? 'GET', url, headers, body: typeof init?.body === 'string' ? init.body : null });
    const json = (value: unknown, status = 200) => new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json' } });
    if (url.includes('/auth/v1/token')) {
      issued += 1;
      const user = { id: 'u1', aud: 'authenticated', role: 'authenticated', email: 'admin@example.com', app_metadata: {}, user_metadata: {}, created_at: '2026-01-01T00:00:00Z' };
      return json({
        access_token: jwt('u1', issued),
        token_type: 'bearer',
        expires_in: 3600,
        expires_at: EXP,
        refresh_token: `refresh-${issued}`,
        user,
      });
    }
    if (url.includes('/auth/v1/logout')) return new Response(null, { status: 204 });
    return json([]);
  });
  return { calls, fetch };
}

const options = (fetch: typeof globalThis.fetch) => ({
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket as never },
  global: { fetch },
});

/** The calls the engine makes, in its order; what reached the server and what realtime was told. */
async function session(client: AppSupabaseClient, calls: Recorded[]) {
  const setAuth = vi.spyOn(client.realtime, 'setAuth').mockResolvedValue(undefined);
  const tokens: (string | undefined)[][] = [];
  const step = async (fn: () => PromiseLike<unknown>) => {
    setAuth.mockClear();
    await fn();
    await new Promise((r) => setTimeout(r, 0));
    tokens.push(setAuth.mock.calls.map((c) => c[0] ?? undefined));
  };
  await step(() => client.rpc('current_staff'));
  await step(() => client.auth.signInWithPassword({ email: 'admin@example.com', password: 'password123' }));
  await step(() => client.rpc('activity_feed', { p_limit: 5 }));
  await step(() => client.rpc('current_staff', undefined, { get: true }));
  await step(() => client.auth.refreshSession());
  await step(() => client.rpc('dashboard_sync', {} as never));
  const realtimeToken = await (client.realtime as unknown as { accessToken: () => Promise<string> }).accessToken();
  await step(() => client.auth.signOut({ scope: 'local' }));
  const afterSignOut = await (client.realtime as unknown as { accessToken: () => Promise<string> }).accessToken();
  const requests = calls.map(({ headers, ...rest }) => {
    const { 'x-client-info': _clientInfo, ...kept } = headers;
    return { ...rest, headers: kept };
  });
  return {
    requests,
    tokens,
    realtimeToken,
    afterSignOut,
    endpoint: client.realtime.endpointURL(),
    storageKey: (client.auth as unknown as { storageKey: string }).storageKey,
  };
}

describe('the app Supabase client', () => {
  it('makes the same requests and hands realtime the same tokens as supabase-js', async () => {
    const ours = fakeServer();
    const theirs = fakeServer();
    const got = await session(createSupabaseClient(URL_, ANON, options(ours.fetch)), ours.calls);
    const want = await session(createClient(URL_, ANON, options(theirs.fetch)) as unknown as AppSupabaseClient, theirs.calls);
    expect(got).toEqual(want);

    // and what that is: the anon key signed out, the session's token signed in, on every data call
    const rpcs = got.requests.filter((r) => r.url.includes('/rest/v1/'));
    expect(rpcs.map((r) => [r.method, r.url.replace(URL_, '')])).toEqual([
      ['POST', '/rest/v1/rpc/current_staff'],
      ['POST', '/rest/v1/rpc/activity_feed'],
      ['GET', '/rest/v1/rpc/current_staff'],
      ['POST', '/rest/v1/rpc/dashboard_sync'],
    ]);
    expect(rpcs.map((r) => r.headers.apikey)).toEqual([ANON, ANON, ANON, ANON]);
    expect(rpcs.map((r) => r.headers.authorization)).toEqual([`Bearer ${ANON}`, `Bearer ${jwt('u1', 1)}`, `Bearer ${jwt('u1', 1)}`, `Bearer ${jwt('u1', 2)}`]);
    expect(got.tokens).toEqual([[], [jwt('u1', 1)], [], [], [jwt('u1', 2)], [], [undefined]]);
    expect(got.realtimeToken).toBe(jwt('u1', 2));
    expect(got.afterSignOut).toBe(ANON);
    expect(got.endpoint).toBe('ws://127.0.0.1:54321/realtime/v1/websocket?apikey=anon-key&vsn=2.0.0');
    expect(got.storageKey).toBe('sb-127-auth-token');
  });

  it('identifies itself as the supabase-js version whose parts package.json pins', async () => {
    const server = fakeServer();
    await createSupabaseClient(URL_, ANON, options(server.fetch)).rpc('current_staff');
    expect(server.calls[0]!.headers['x-client-info']).toBe(`supabase-js/${SUPABASE_JS_VERSION}; runtime=web`);

    const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies: Record<string, string> };
    const umbrella = read('node_modules/@supabase/supabase-js/package.json');
    const app = read('package.json');
    expect(SUPABASE_JS_VERSION).toBe(umbrella.version);
    for (const part of ['@supabase/auth-js', '@supabase/postgrest-js', '@supabase/realtime-js']) {
      expect(app.dependencies[part], part).toBe(umbrella.dependencies[part]);
    }
  });

  it('refuses a missing or malformed URL and a missing key, as supabase-js does', () => {
    expect(() => createSupabaseClient('', ANON)).toThrow('supabaseUrl is required.');
    expect(() => createSupabaseClient('127.0.0.1:54321', ANON)).toThrow('Must be a valid HTTP or HTTPS URL');
    expect(() => createSupabaseClient(URL_, '')).toThrow('supabaseKey is required.');
  });
});

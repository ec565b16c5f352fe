import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveApi } from '@/app/live-api';
import { createLiveEngine } from '@/live/engine';
import { transportFor } from '@/live/transport/transport-for';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import type { Stack } from '../../local-supabase/stack.ts';
import { newClient, waitFor } from './live-harness.ts';
import { ADMIN, client, startTestStack } from './stack-setup.ts';

// [auth.rate_limit] per IP with small figures: the bucket holds 3 and one token comes back every 4 s
// (real time; no fake clock in integration tests).
const BURST = 3;
const REFILL_MS = 4_000;
let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack({
    config: { auth: { rateLimit: { tokenRefresh: 1, signInSignUps: 1 } } },
    authRateLimit: { windowSec: REFILL_MS / 1000, burst: BURST },
  });
});
afterAll(async () => {
  await stack?.close();
});

/** POST from a chosen loopback address (Linux routes all of 127/8 to lo), so the stack sees another IP. */
function postFrom(localAddress: string, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${stack.url}/auth/v1${path}`);
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json', apikey: stack.keys.anonKey, 'X-Supabase-Api-Version': '2024-01-01' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<{ value: T; waitedMs: number }> {
  const start = Date.now();
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() - start > timeoutMs) return { value, waitedMs: Date.now() - start };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('auth rate limits', () => {
  it('answers 429 over_request_rate_limit on /token once the bucket is empty, even for the right password, then recovers', async () => {
    const started = Date.now();
    let passed = 0;
    let limited: Awaited<ReturnType<ReturnType<typeof client>['auth']['signInWithPassword']>> | null = null;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await client(stack).auth.signInWithPassword(ADMIN);
      if (res.error) limited = res;
      else passed++;
    }
    expect(limited?.data.session).toBeNull();
    expect(limited?.error).toMatchObject({ name: 'AuthApiError', status: 429, code: 'over_request_rate_limit', message: 'Request rate limit reached' });
    // never more than the bucket plus what refilled meanwhile
    expect(passed).toBeGreaterThanOrEqual(BURST);
    expect(passed).toBeLessThanOrEqual(BURST + Math.floor((Date.now() - started) / REFILL_MS));

    // the stack still serves everything else meanwhile
    expect((await fetch(`${stack.url}/auth/v1/settings`)).status).toBe(200);

    // a token comes back within one refill period
    const { value, waitedMs } = await until(() => client(stack).auth.signInWithPassword(ADMIN), (r) => r.error === null, REFILL_MS + 2_000);
    expect(value.error).toBeNull();
    expect(value.data.session?.access_token).toBeTruthy();
    expect(waitedMs).toBeLessThan(REFILL_MS + 2_000);
  });

  it('keeps one bucket per address, shared by every grant', async () => {
    // 127.0.0.3 starts with a full bucket of its own although 127.0.0.1 is empty
    for (let i = 0; i < BURST; i++) {
      expect((await postFrom('127.0.0.3', '/token?grant_type=refresh_token', { refresh_token: 'nope' })).body.code).toBe('refresh_token_not_found');
    }
    const after = await postFrom('127.0.0.3', '/token?grant_type=password', ADMIN);
    expect(after).toEqual({ status: 429, body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' } });
  });

  it('answers the legacy error shape without the API version header', async () => {
    // drain what is left, then look at the raw answer
    let res: Response;
    do {
      res = await fetch(`${stack.url}/auth/v1/token?grant_type=refresh_token`, { method: 'POST', body: '{"refresh_token":"nope"}' });
    } while (res.status !== 429);
    expect(res.headers.get('x-sb-error-code')).toBe('over_request_rate_limit');
    expect(await res.json()).toEqual({ code: 429, error_code: 'over_request_rate_limit', msg: 'Request rate limit reached' });
  });

  it("shows the dashboard's login the limit's message", async () => {
    const stores = { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() };
    const appClient = newClient({ url: stack.url, stack } as Parameters<typeof newClient>[0]);
    const engine = createLiveEngine({ client: appClient, api: liveApi, stores, transportFor });
    engine.start();
    try {
      await waitFor(() => stores.session.getState().status === 'signed-out', 'no session at start');
      // empty the bucket right before, so no token can have come back in between
      while ((await fetch(`${stack.url}/auth/v1/token?grant_type=refresh_token`, { method: 'POST', body: '{}' })).status !== 429);
      expect(await engine.signIn(ADMIN.email, ADMIN.password)).toEqual({ error: 'Request rate limit reached' });
      expect(stores.session.getState().status).toBe('signed-out');
    } finally {
      engine.stop();
    }
  });

  it('limits /signup with sign_in_sign_ups, before it even looks at the password', async () => {
    const answers: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const body = i === 1 ? { password: 'abc' } : { password: 'secret-pw', email: `burst-${Date.now()}-${i}@test.example` };
      const res = await postFrom('127.0.0.4', '/signup', body);
      answers.push(res.status === 200 ? null : String(res.body.code));
    }
    // the second has no e-mail: GoTrue's router takes it for an anonymous sign-up, outside this limit
    expect(answers).toEqual([null, 'anonymous_provider_disabled', null, null]);
    // the bucket is empty: even a weak password gets the 429, not weak_password
    const next = await postFrom('127.0.0.4', '/signup', { email: `burst-${Date.now()}-x@test.example`, password: 'abc' });
    expect(next).toEqual({ status: 429, body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' } });
    const { value } = await until(
      () => postFrom('127.0.0.4', '/signup', { email: `after-${Date.now()}@test.example`, password: 'secret-pw' }),
      (r) => r.status !== 429,
      REFILL_MS + 2_000,
    );
    expect(value.status).toBe(200);
    expect(value.body.access_token).toBeTruthy();
  });
});

import { createClient } from '@supabase/supabase-js';
import type { Browser } from 'playwright-core';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANON_KEY } from '../../local-supabase/auth/keys.ts';
import type { Stack } from '../../local-supabase/stack.ts';
import { startStackFromSnapshot } from '../support/db-snapshot.ts';
import { buildAppFor } from './support/app-build';
import { launchChromium } from './support/browser';
import { freePort } from './support/free-port';
import { signIn, waitForState } from './support/stack-helpers';

// A stack whose access tokens live 5 s, so an ended session shows up quickly.
let URL_: string;

let stack: Stack;
let browser: Browser;
let app: ReturnType<typeof buildAppFor>;

beforeAll(async () => {
  const port = await freePort();
  URL_ = `http://127.0.0.1:${port}`;
  app = buildAppFor(URL_);
  stack = await startStackFromSnapshot({ port, memory: true, serveApp: app.dir, jwtExpirySec: 5 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  app?.remove();
});

describe('an ended session', () => {
  it('returns to the login with a message once the session can no longer be refreshed', async () => {
    const page = await browser.newPage();
    await signIn(page, URL_, 'admin@example.com');
    await waitForState(page, ['live']);

    // the server forgets every session (as on a sign-out elsewhere, or an admin revoking it)
    await stack.db.query('delete from auth.refresh_tokens');
    await stack.db.query('delete from auth.sessions');

    await page.waitForURL('**/login', { timeout: 90_000 });
    expect(await page.textContent('form')).toContain('Your session expired. Please sign in again.');
    expect(await page.isVisible('input[name="email"]')).toBe(true);
  });
});

describe('a self-service sign-up', () => {
  it('is a valid Supabase account but gets no dashboard: the login says so and stays', async () => {
    const email = `signup-${Date.now()}@test.example`;
    // supabase.auth.signUp as any app would call it (config.toml: sign-ups on, no confirmations)
    const anon = createClient(URL_, ANON_KEY, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws as never } });
    const { data, error } = await anon.auth.signUp({ email, password: 'password123' });
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();

    const page = await browser.newPage();
    await page.goto(`${URL_}/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', 'password123');
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('form')?.textContent?.includes('This account has no access to the dashboard.'), undefined, { timeout: 30_000 });
    expect(page.url()).toMatch(/\/login$/);
    expect(await page.isVisible('[data-testid="kpi-active-repairs"]')).toBe(false);
  });
});

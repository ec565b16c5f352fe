import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../local-supabase/stack.ts';
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
  stack = await startStack({ port, memory: true, serveApp: app.dir, jwtExpirySec: 5 });
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

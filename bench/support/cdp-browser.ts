// Debian's Chromium for the benches, launched by hand and attached with playwright-core's
// connectOverCDP({ noDefaults: true }), so that a background tab really is hidden.
//
// Why not chromium.launch(): Playwright turns on `Emulation.setFocusEmulationEnabled` for every page
// it creates, and in Chromium that keeps the page's WebContents "captured", so every page reports
// `document.visibilityState === 'visible'` whatever is in front (bringToFront, a minimized window,
// Page.setWebLifecycleState: none of them hides it). In the browser's default context with
// `noDefaults`, Playwright leaves focus emulation off; there, as in a desktop browser, only the
// active tab of a window is visible: a tab opened in front of another in the same window hides it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../tests/e2e/support/browser.ts';

export interface CdpBrowser {
  browser: Browser;
  /** the default context: its pages get no focus emulation */
  context: BrowserContext;
  /** a new tab in a window of its own (so it stays visible) */
  newWindow(): Promise<Page>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function launchCdpChromium(): Promise<CdpBrowser> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
  const proc: ChildProcess = spawn(chromiumPath(), [...CHROMIUM_FLAGS, `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: 'ignore',
    detached: true, // its own process group: /usr/bin/chromium is a shell script that starts the browser
  });
  const portFile = join(dir, 'DevToolsActivePort');
  const deadline = Date.now() + 20_000;
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').includes('\n')) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('Chromium did not open its DevTools port');
    await sleep(50);
  }
  const [port, path] = readFileSync(portFile, 'utf8').trim().split('\n');
  const browser = await chromium.connectOverCDP(`ws://127.0.0.1:${port}${path}`, { noDefaults: true, isLocal: true });
  const context = browser.contexts()[0]!;
  const cdp: CDPSession = await browser.newBrowserCDPSession();
  return {
    browser,
    context,
    async newWindow() {
      const [page] = await Promise.all([context.waitForEvent('page'), cdp.send('Target.createTarget', { url: 'about:blank', newWindow: true })]);
      return page;
    },
    async close() {
      await cdp.send('Browser.close').catch(() => undefined);
      await browser.close().catch(() => undefined);
      const exited = new Promise((r) => (proc.exitCode !== null ? r(null) : proc.once('exit', r)));
      await Promise.race([exited, sleep(5000)]);
      if (proc.exitCode === null && proc.pid !== undefined) process.kill(-proc.pid, 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** Opens a blank tab in front of `page`, in its window: `page` becomes a background tab (hidden). */
export async function coverWithTab(context: BrowserContext, page: Page): Promise<Page> {
  const [cover] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => void window.open('about:blank', '_blank'))]);
  return cover;
}

export const visibilityOf = (page: Page): Promise<string> => page.evaluate(() => document.visibilityState);

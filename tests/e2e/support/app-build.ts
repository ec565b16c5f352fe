import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { inject } from 'vitest';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ANON_KEY } from '../../../local-supabase/auth/keys.ts';
import { DEFAULT_LIVE_TRANSPORT, type LiveTransportSetting } from '../../../src/config/env.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The URL a shared build is made for; each copy gets its stack's URL written in its place. */
const PLACEHOLDER_URL = 'http://stack.placeholder.invalid:1';

export interface AppBuildOptions {
  /** VITE_LIVE_TRANSPORT baked into the build (default: the app's default) */
  transport?: LiveTransportSetting;
}

/**
 * The built dashboard for a stack at `url`, a production build. The build bakes VITE_SUPABASE_URL
 * and VITE_LIVE_TRANSPORT in; each test file's stack has a port of its own, so the app is built
 * once per run and transport for a placeholder URL (in the folder the e2e globalSetup hands over,
 * tests/e2e/support/app-builds.ts) and each file gets a copy with its URL written in.
 */
export function buildAppFor(url: string, opts: AppBuildOptions = {}): { dir: string; remove: () => void } {
  const transport = opts.transport ?? DEFAULT_LIVE_TRANSPORT;
  const shared = join(inject('appBuilds'), transport);
  if (!existsSync(join(shared, 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', shared, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, VITE_SUPABASE_URL: PLACEHOLDER_URL, VITE_SUPABASE_ANON_KEY: ANON_KEY, VITE_LIVE_TRANSPORT: transport },
    });
  }
  const out = mkdtempSync(join(tmpdir(), 'e2e-app-'));
  cpSync(shared, out, { recursive: true });
  let written = 0;
  for (const file of [join(out, 'index.html'), ...readdirSync(join(out, 'assets')).map((f) => join(out, 'assets', f))]) {
    if (!/\.(js|html)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (!text.includes(PLACEHOLDER_URL)) continue;
    writeFileSync(file, text.replaceAll(PLACEHOLDER_URL, url));
    written++;
  }
  if (written === 0) throw new Error(`the app build in ${shared} does not contain VITE_SUPABASE_URL`);
  return { dir: out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

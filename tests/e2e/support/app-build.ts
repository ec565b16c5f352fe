import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ANON_KEY } from '../../../local-supabase/auth/keys.ts';
import { DEFAULT_LIVE_TRANSPORT, type LiveTransportSetting } from '../../../src/config/env.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

/** Newest modification time of the app's sources. */
function sourcesChangedAt(): number {
  const walk = (path: string): number => {
    const st = statSync(path);
    if (!st.isDirectory()) return st.mtimeMs;
    return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => walk(join(path, f))));
  };
  return Math.max(walk(join(ROOT, 'src')), walk(join(ROOT, 'index.html')));
}

function builtFor(dir: string, url: string): boolean {
  const assets = join(dir, 'assets');
  const index = join(dir, 'index.html');
  if (!existsSync(index) || !existsSync(assets)) return false;
  if (statSync(index).mtimeMs < sourcesChangedAt()) return false;
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .some((f) => readFileSync(join(assets, f), 'utf8').includes(JSON.stringify(url).slice(1, -1)));
}

export interface AppBuildOptions {
  /** VITE_LIVE_TRANSPORT baked into the build (default: the app's default) */
  transport?: LiveTransportSetting;
}

/**
 * The built dashboard for a stack at `url`. The build bakes VITE_SUPABASE_URL (and
 * VITE_LIVE_TRANSPORT) in, so `dist` is used when it was built for this URL from the current
 * sources in the default transport (npm test's build stage); otherwise the app is built once more,
 * for that URL and transport, into a temporary folder (each run picks a free port, so two runs on
 * one machine never share a stack or a build). Either way the browser loads a production build.
 */
export function buildAppFor(url: string, opts: AppBuildOptions = {}): { dir: string; remove: () => void } {
  const transport = opts.transport ?? DEFAULT_LIVE_TRANSPORT;
  const dist = join(ROOT, 'dist');
  const distTransport = process.env.VITE_LIVE_TRANSPORT || DEFAULT_LIVE_TRANSPORT;
  if (transport === distTransport && builtFor(dist, url)) return { dir: dist, remove: () => {} };
  const out = mkdtempSync(join(tmpdir(), 'e2e-app-'));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', out, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, VITE_SUPABASE_URL: url, VITE_SUPABASE_ANON_KEY: ANON_KEY, VITE_LIVE_TRANSPORT: transport },
  });
  return { dir: out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

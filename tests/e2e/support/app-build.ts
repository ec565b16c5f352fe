import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ANON_KEY } from '../../../local-supabase/auth/keys.ts';

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

/**
 * The built dashboard for a stack at `url`. The build bakes VITE_SUPABASE_URL in, so `dist` is used
 * when it was built for this URL from the current sources (npm test's build stage); otherwise the
 * app is built once more, for that URL, into a temporary folder (each run picks a free port, so two
 * runs on one machine never share a stack or a build). Either way the browser loads a production build.
 */
export function buildAppFor(url: string): { dir: string; remove: () => void } {
  const dist = join(ROOT, 'dist');
  if (builtFor(dist, url)) return { dir: dist, remove: () => {} };
  const out = mkdtempSync(join(tmpdir(), 'e2e-app-'));
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', out, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, VITE_SUPABASE_URL: url, VITE_SUPABASE_ANON_KEY: ANON_KEY },
  });
  return { dir: out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Handler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Serves a built SPA: files under `dir`, and index.html for any other GET (client-side routes). */
export function serveApp(dir: string): Handler {
  const root = resolve(dir);
  return async (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.notFound();
    // API paths never fall back to the app: a wrong API URL must stay a 404, not a page.
    if (/^\/(rest|auth|realtime|storage|functions)\/v1(\/|$)/.test(c.req.path)) return c.notFound();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(c.req.path));
    } catch {
      return c.notFound();
    }
    const file = join(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return c.notFound();
    const found = await isFile(file);
    const target = found ? file : join(root, 'index.html');
    if (!found && extname(rel) !== '' && !rel.endsWith('.html')) return c.notFound();
    try {
      const body = await readFile(target);
      const type = TYPES[extname(target)] ?? 'application/octet-stream';
      const cache = target.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
      const headers = { 'Content-Type': type, 'Cache-Control': cache };
      return c.req.method === 'HEAD' ? c.body(null, 200, headers) : c.body(new Uint8Array(body), 200, headers);
    } catch {
      return c.notFound();
    }
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

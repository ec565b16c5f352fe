#!/usr/bin/env node
// `npm run bench:bundle`: the first load of the built SPA, gzipped. Run `npx vite build` first.
//
// The first load is what dist/index.html makes the browser fetch before the app can paint: every
// <script src>, <link rel="stylesheet"> and <link rel="modulepreload"> in it, plus the static
// imports of those scripts (followed recursively; Vite normally lists them as modulepreloads, this
// also catches one it did not). Dynamic import() chunks (lazy routes, the chart) are not counted:
// the app fetches them after the first paint.
//
// Each file is gzipped on its own with node:zlib at level 9 (what most size reporters use), as a
// server would send it; sizes in KB of 1024 bytes. Exits 1 when the total is over the budget.
//
//   node scripts/bundle-size.mjs [--dist dist] [--budget-kb 150] [--json]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    'budget-kb': { type: 'string', default: '150' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, values.dist);
const budgetBytes = Number(values['budget-kb']) * 1024;
const indexHtml = join(dist, 'index.html');
if (!existsSync(indexHtml)) {
  console.error(`${relative(root, indexHtml)} is missing; run \`npx vite build\` first.`);
  process.exit(2);
}

/** The files index.html loads, as absolute paths, in document order. */
function firstLoadFiles(html, distDir) {
  const files = [];
  const toPath = (url) => (/^(https?:)?\/\//.test(url) || url.startsWith('data:') ? null : join(distDir, url.replace(/^\//, '').split(/[?#]/)[0]));
  for (const tag of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const attr = (name) => tag[0].match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'))?.slice(1).find((v) => v !== undefined);
    let url = null;
    if (tag[1].toLowerCase() === 'script') url = attr('src');
    else if (/^(stylesheet|modulepreload)$/i.test(attr('rel') ?? '')) url = attr('href');
    const path = url && toPath(url);
    if (path) files.push(path);
  }
  return files;
}

/** Relative static imports of a built ES module (`import ... from "./x.js"`, `import "./x.js"`, `export ... from`). */
function staticImports(file) {
  const code = readFileSync(file, 'utf8');
  const found = [];
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    found.push(resolve(dirname(file), m[1]));
  }
  return found;
}

const html = readFileSync(indexHtml, 'utf8');
const seen = new Set();
const queue = firstLoadFiles(html, dist);
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file)) continue;
  if (!existsSync(file)) {
    console.error(`index.html loads ${relative(dist, file)}, which is not in ${relative(root, dist)}/`);
    process.exit(2);
  }
  seen.add(file);
  if (file.endsWith('.js') || file.endsWith('.mjs')) queue.push(...staticImports(file));
}

const rows = [...seen].map((file) => {
  const raw = readFileSync(file);
  return { file: relative(dist, file), bytes: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
});
const total = rows.reduce((t, r) => ({ bytes: t.bytes + r.bytes, gzip: t.gzip + r.gzip }), { bytes: 0, gzip: 0 });
const ok = total.gzip <= budgetBytes;

if (values.json) {
  console.log(JSON.stringify({ files: rows, total, budgetBytes, ok }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const width = Math.max(...rows.map((r) => r.file.length), 'total'.length);
  console.log(`First load of ${relative(root, indexHtml)} (gzip level 9, node:zlib; 1 KB = 1024 bytes)`);
  console.log(`${'file'.padEnd(width)}  ${'raw'.padStart(10)}  ${'gzip'.padStart(10)}`);
  for (const r of rows) console.log(`${r.file.padEnd(width)}  ${kb(r.bytes).padStart(10)}  ${kb(r.gzip).padStart(10)}`);
  console.log(`${'total'.padEnd(width)}  ${kb(total.bytes).padStart(10)}  ${kb(total.gzip).padStart(10)}`);
  console.log(ok ? `✓ within the ${kb(budgetBytes)} budget` : `✗ over the ${kb(budgetBytes)} budget by ${kb(total.gzip - budgetBytes)}`);
}
process.exit(ok ? 0 : 1);

// Prints two bench/db-kpis.ts runs side by side (mean / median / p95 in ms), and whether every
// dashboard read (not the full-scan references, not top_products, which the UI does not use)
// stays under the 10 ms mean goal on both.
// Usage: npx tsx bench/db-compare.ts <label>=<file.json> <label>=<file.json>
import { readFileSync } from 'node:fs';
import type { Timing } from './db-kpis.ts';

interface Run {
  label: string;
  info: Record<string, string>;
  results: Timing[];
}

const GOAL_MS = 10;
const runs: Run[] = process.argv.slice(2).map((arg) => {
  const [label, file] = arg.split('=');
  if (!label || !file) throw new Error(`expected <label>=<file>, got ${arg}`);
  return { label, ...(JSON.parse(readFileSync(file, 'utf8')) as Omit<Run, 'label'>) };
});
const [first] = runs;
if (!first) throw new Error('usage: db-compare.ts <label>=<file.json> ...');

const cell = (t: Timing | undefined) =>
  t ? `${t.mean.toFixed(2)} / ${t.median.toFixed(2)} / ${t.p95.toFixed(2)}` : '-';
const isDashboardRead = (name: string) => !name.startsWith('full scan') && !name.startsWith('top_products');

console.log('\nside by side, mean / median / p95 ms');
for (const r of runs) {
  console.log(`  ${r.label}: ${r.info.orders} orders, ${r.info.tickets} tickets (${r.info.active} active), ${r.info.activity} activity rows`);
}
console.log(`${'query'.padEnd(42)} ${runs.map((r) => r.label.padStart(26)).join(' ')}`);
let worst = 0;
for (const t of first.results) {
  const row = runs.map((r) => r.results.find((x) => x.name === t.name));
  if (isDashboardRead(t.name)) worst = Math.max(worst, ...row.map((x) => x?.mean ?? 0));
  console.log(`${t.name.padEnd(42)} ${row.map((x) => cell(x).padStart(26)).join(' ')}`);
}
console.log(
  `slowest dashboard read: ${worst.toFixed(2)} ms mean — goal < ${GOAL_MS} ms: ${worst < GOAL_MS ? 'met' : 'NOT met'}`,
);

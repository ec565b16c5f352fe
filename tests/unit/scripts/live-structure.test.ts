import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve(import.meta.dirname, '../../../scripts/live-structure.mjs');

interface Structure {
  dashboardSyncCallers: string[];
  mutableBindings: { total: number; keptBetweenCalls: number };
  importFloors: { all: number; valueOnly: number };
  importCycles: { all: string[][]; valueOnly: string[][] };
}

const measure = (...args: string[]): Structure => JSON.parse(execFileSync('node', [SCRIPT, '--json', ...args], { encoding: 'utf8' })) as Structure;

let tree: string | null = null;
afterEach(() => {
  if (tree) rmSync(tree, { recursive: true, force: true });
  tree = null;
});

function write(files: Record<string, string>): string {
  tree = mkdtempSync(join(tmpdir(), 'live-structure-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  return tree;
}

describe('scripts/live-structure.mjs', () => {
  it('src/ has no import cycle, not even through `import type` (which the lint rule does not follow)', () => {
    expect(measure().importCycles.all).toEqual([]);
  });

  it('src/live stands on at most 7 import floors, `import type` counted (issue 17)', () => {
    expect(measure().importFloors.all).toBeLessThanOrEqual(7);
  });

  it('finds a type-only cycle, floors, held state and the functions that take a dashboard_sync answer', () => {
    const root = write({
      'src/live/a.ts': "import type { B } from './b';\nexport interface A { b: B }\nexport const make = () => { let n = 0; return () => (n += 1); };\n",
      'src/live/b.ts': "import type { A } from '@/live/a';\nexport interface B { a: A }\nexport function loop() { let i = 0; while (i < 3) i += 1; return i; }\n",
      'src/live/top.ts': "import { make } from './a';\nexport const top = make;\n",
      'src/live/runner.ts': [
        'const api = { syncDashboard: async (_p: number) => 1 };',
        'async function call(p: number) { return await api.syncDashboard(p); }',
        'export async function run() { const answer = await call(1); return answer + 1; }',
        'export async function other() { const answer = await call(2); return answer; }',
      ].join('\n'),
    });
    const s = measure('--root', root);
    expect(s.importCycles.all.map((c) => [...c].sort())).toEqual([['src/live/a.ts', 'src/live/b.ts']]);
    expect(s.importCycles.valueOnly).toEqual([]);
    expect(s.importFloors.all).toBe(2); // top → (a ⇄ b)
    expect(s.mutableBindings).toMatchObject({ total: 2, keptBetweenCalls: 1 }); // make's n, not loop's i
    expect(s.dashboardSyncCallers).toEqual(['src/live/runner.ts: other', 'src/live/runner.ts: run']);
  });
});

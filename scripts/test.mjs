#!/usr/bin/env node
// `npm test`: every test, in order of cost. Stops at nothing: each stage runs, and the run fails if
// any stage failed. `npm test -- --only unit,e2e` runs a subset while developing.
// Independent stages run side by side (a row below); the first of a row prints as it goes, the
// others' output is held and printed whole when they end, so logs never interleave.
//
//   typecheck, lint                    tsc and eslint over the whole repo
//   unit, components                   vitest, no network, fake timers allowed
//   build                              the SPA, which the end-to-end tests load
//   integration                        vitest against the local stack on PGlite, with the real supabase-js
//   database                           a throwaway PostgreSQL 15 cluster: migrations through the Supabase CLI,
//                                      seed, pgTAP through pg_prove, then the integration suite again on it
//   e2e                                vitest + playwright-core driving Debian's Chromium
//
//   order: typecheck ‖ lint; unit; components; build; then integration ‖ [database → e2e]
//   (vitest's unit projects use both cores themselves; tsc and eslint one each)
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const onlyArg = process.argv.find((a) => a.startsWith('--only'));
const only = onlyArg
  ? new Set((onlyArg.includes('=') ? onlyArg.split('=')[1] : process.argv[process.argv.indexOf(onlyArg) + 1]).split(','))
  : null;
const wanted = (name) => !only || only.has(name);

mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const stages = [];

/** Where a stage's output goes: straight to the terminal, or held until the stage ends. */
const live = { write: (d) => process.stdout.write(d) };
function held() {
  const chunks = [];
  return { write: (d) => chunks.push(d), flush: () => chunks.forEach((c) => process.stdout.write(c)) };
}

function run(cmd, args, opts = {}) {
  const sink = opts.out ?? live;
  return new Promise((done) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      sink.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      sink.write(d);
    });
    child.on('close', (code) => done({ code: code ?? 1, out, err }));
  });
}

/** Runs one stage; `fn(out)` writes through `out`. */
async function stage(name, fn, out = live) {
  if (!wanted(name)) return;
  out.write(`\n━━━ ${name} ━━━\n`);
  const started = Date.now();
  let ok = false;
  try {
    ok = await fn(out);
  } catch (err) {
    out.write(`${err?.stack ?? err}\n`);
  }
  stages.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  if (!ok) out.write(`✗ ${name} failed\n`);
}

/**
 * Rows of stages side by side, each row's stages one after another. The first row prints live;
 * each other row prints whole when it is done.
 */
async function together(...rows) {
  await Promise.all(
    rows.map(async (row, i) => {
      const out = i === 0 ? live : held();
      for (const [name, fn] of row) await stage(name, fn, out);
      out.flush?.();
    }),
  );
}

async function vitest(project, env = {}, out = live) {
  const report = `test-results/vitest-${project}${env.DATABASE_URL ? '-postgres' : ''}.json`;
  const { code } = await run('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env, out });
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    if (r.numTotalTests === 0) {
      out.write(`✗ project ${project} ran no test\n`);
      return false;
    }
  }
  return code === 0;
}

// Each run gets its own cluster folder and port, so two runs on one machine never collide.
const freePort = () =>
  new Promise((done) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => done(port));
    });
  });
const clusterParent = mkdtempSync(join(tmpdir(), 'repair-shop-pg-'));
chmodSync(clusterParent, 0o755); // the server runs as OS user postgres and must reach its folder
const clusterEnv = { PG_CLUSTER_DIR: join(clusterParent, 'cluster') };
const pgCluster = (action, out, env = {}) => run('bash', ['scripts/pg-cluster.sh', action], { out, env: { ...clusterEnv, ...env } });

function systemDepsPresent() {
  const has = (c) => spawnSync('bash', ['-c', `command -v ${c}`]).status === 0;
  return has('chromium') && has('pg_prove') && existsSync('/usr/lib/postgresql/15/bin/initdb');
}

/** pgTAP and the integration suite again, on a throwaway PostgreSQL 15 cluster. */
async function database(out) {
  clusterEnv.PG_CLUSTER_PORT = String(await freePort());
  const started = await pgCluster('start', out);
  const url = started.out.match(/postgres(?:ql)?:\/\/\S+/g)?.pop();
  if (started.code !== 0 || !url) return false;
  try {
    const proved = await pgCluster('test', out, { DATABASE_URL: url });
    const counted = proved.out.match(/Tests=(\d+)/);
    const pgtapOk = proved.code === 0 && /Result: PASS/.test(proved.out);
    if (counted) {
      const n = Number(counted[1]);
      const failedLine = proved.out.match(/Failed (\d+)\/(\d+) subtests/g) ?? [];
      const failed = failedLine.reduce((sum, l) => sum + Number(l.match(/Failed (\d+)/)[1]), 0);
      totals.passed += n - failed;
      totals.failed += pgtapOk ? failed : Math.max(failed, 1);
    } else if (!pgtapOk) totals.failed += 1;
    // A pristine copy of the migrated, seeded database, made while nothing is connected: a test that
    // must own its database (a TRUNCATE of the log) clones it (tests/support/fresh-database.ts)
    // instead of pulling the rug from the other files that share this one.
    const adminUrl = (await pgCluster('admin-url', { write() {} })).out.trim();
    const template = await run('psql', [adminUrl, '-X', '-q', '-c', 'create database test_template template postgres'], { out });
    const templateEnv = template.code === 0 ? { TEST_ADMIN_DATABASE_URL: adminUrl, TEST_TEMPLATE_DATABASE: 'test_template' } : {};
    const integrationOk = await vitest('integration', { DATABASE_URL: url, ...templateEnv }, out);
    return pgtapOk && integrationOk;
  } finally {
    await pgCluster('stop', out);
    rmSync(clusterParent, { recursive: true, force: true });
  }
}

async function main() {
  const needsSystem = wanted('database') || wanted('e2e');
  if (needsSystem && !systemDepsPresent()) {
    const { code } = await run('bash', ['scripts/system-deps.sh']);
    if (code !== 0) {
      console.error('Chromium and PostgreSQL 15 are needed for the e2e and database tests (see README).');
      process.exit(1);
    }
  }

  const tsc = async (out) => (await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { out })).code === 0;
  const eslint = async (out) => (await run('npx', ['eslint', '.'], { out })).code === 0;
  // .env points the build at the local stack, as `npm start` does. At --logLevel warn a clean build
  // prints nothing: any output is a Vite warning (a chunk over 500 kB, say) and fails the stage, as
  // does a first load over its budget (scripts/bundle-size.mjs).
  const build = async (out) => {
    const built = await run('npx', ['vite', 'build', '--logLevel', 'warn'], { out });
    if (built.code !== 0) return false;
    const warned = /\S/.test(built.out + built.err);
    if (warned) out.write('✗ the build printed a warning\n');
    const size = await run('node', ['scripts/bundle-size.mjs'], { out });
    return !warned && size.code === 0;
  };
  await together([['typecheck', tsc]], [['lint', eslint]]);
  await stage('unit', (out) => vitest('unit', {}, out));
  await stage('components', (out) => vitest('components', {}, out));
  await stage('build', build);
  await together(
    [['integration', (out) => vitest('integration', {}, out)]],
    [
      ['database', database],
      ['e2e', (out) => vitest('e2e', ci ? { CI: 'true' } : {}, out)],
    ],
  );

  console.log('\n━━━ summary ━━━');
  for (const s of stages) console.log(`${s.ok ? '✓' : '✗'} ${s.name} (${s.seconds}s)`);
  const allOk = stages.length > 0 && stages.every((s) => s.ok);
  // A stage that failed outside a test runner (typecheck, lint, build, cluster start) still counts.
  if (!allOk && totals.failed === 0) totals.failed = stages.filter((s) => !s.ok).length;
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(allOk ? 0 : 1);
}

main();

#!/usr/bin/env node
// `npm test`: every test, in order of cost. Stops at nothing: each stage runs, and the run fails if
// any stage failed. `npm test -- --only unit,e2e` runs a subset while developing.
//
//   typecheck, lint                    tsc and eslint over the whole repo
//   unit, components                   vitest, no network, fake timers allowed
//   build                              the SPA, which the end-to-end tests load; no Vite warning, and
//                                      its first load within budget (npm run bench:bundle)
//   integration                        vitest against the local stack on PGlite, with the real supabase-js
//   database                           a throwaway PostgreSQL 15 cluster: migrations through the Supabase CLI,
//                                      seed, pgTAP through pg_prove, then the integration suite again on it
//   e2e                                vitest + playwright-core driving Debian's Chromium
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

function run(cmd, args, opts = {}) {
  return new Promise((done) => {
    const stdio = opts.capture ? ['ignore', 'pipe', opts.captureStderr ? 'pipe' : 'inherit'] : 'inherit';
    const child = spawn(cmd, args, { stdio, env: { ...process.env, ...opts.env } });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr?.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

async function stage(name, fn) {
  if (!wanted(name)) return;
  console.log(`\n━━━ ${name} ━━━`);
  const started = Date.now();
  let ok = false;
  try {
    ok = await fn();
  } catch (err) {
    console.error(err);
  }
  stages.push({ name, ok, seconds: Math.round((Date.now() - started) / 1000) });
  if (!ok) console.log(`✗ ${name} failed`);
}

async function vitest(project, env = {}) {
  const report = `test-results/vitest-${project}${env.DATABASE_URL ? '-postgres' : ''}.json`;
  const { code } = await run('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { env });
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    if (r.numTotalTests === 0) {
      console.log(`✗ project ${project} ran no test`);
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
const pgCluster = (action, env = {}) => run('bash', ['scripts/pg-cluster.sh', action], { capture: true, env: { ...clusterEnv, ...env } });

function systemDepsPresent() {
  const has = (c) => spawnSync('bash', ['-c', `command -v ${c}`]).status === 0;
  return has('chromium') && has('pg_prove') && existsSync('/usr/lib/postgresql/15/bin/initdb');
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

  await stage('typecheck', async () => (await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'])).code === 0);
  await stage('lint', async () => (await run('npx', ['eslint', '.'])).code === 0);
  await stage('unit', () => vitest('unit'));
  await stage('components', () => vitest('components'));
  // .env points the build at the local stack, as `npm start` does. At --logLevel warn a clean build
  // prints nothing: any output is a Vite warning (a chunk over 500 kB, say) and fails the stage, as
  // does a first load over its budget (scripts/bundle-size.mjs).
  await stage('build', async () => {
    const built = await run('npx', ['vite', 'build', '--logLevel', 'warn'], { capture: true, captureStderr: true });
    if (built.code !== 0) return false;
    const warned = /\S/.test(built.out);
    if (warned) console.log('✗ the build printed a warning');
    const size = await run('node', ['scripts/bundle-size.mjs']);
    return !warned && size.code === 0;
  });
  await stage('integration', () => vitest('integration'));
  await stage('database', async () => {
    clusterEnv.PG_CLUSTER_PORT = String(await freePort());
    const started = await pgCluster('start');
    const url = started.out.match(/postgres(?:ql)?:\/\/\S+/g)?.pop();
    if (started.code !== 0 || !url) return false;
    try {
      const proved = await pgCluster('test', { DATABASE_URL: url });
      const counted = proved.out.match(/Tests=(\d+)/);
      const pgtapOk = proved.code === 0 && /Result: PASS/.test(proved.out);
      if (counted) {
        const n = Number(counted[1]);
        const failedLine = proved.out.match(/Failed (\d+)\/(\d+) subtests/g) ?? [];
        const failed = failedLine.reduce((sum, l) => sum + Number(l.match(/Failed (\d+)/)[1]), 0);
        totals.passed += n - failed;
        totals.failed += pgtapOk ? failed : Math.max(failed, 1);
      } else if (!pgtapOk) totals.failed += 1;
      const integrationOk = await vitest('integration', { DATABASE_URL: url });
      return pgtapOk && integrationOk;
    } finally {
      await pgCluster('stop');
      rmSync(clusterParent, { recursive: true, force: true });
    }
  });
  await stage('e2e', () => vitest('e2e', ci ? { CI: 'true' } : {}));

  console.log('\n━━━ summary ━━━');
  for (const s of stages) console.log(`${s.ok ? '✓' : '✗'} ${s.name} (${s.seconds}s)`);
  const allOk = stages.length > 0 && stages.every((s) => s.ok);
  // A stage that failed outside a test runner (typecheck, lint, build, cluster start) still counts.
  if (!allOk && totals.failed === 0) totals.failed = stages.filter((s) => !s.ok).length;
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(allOk ? 0 : 1);
}

main();

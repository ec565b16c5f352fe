#!/usr/bin/env node
// `npm start`: build the dashboard against the local stack, then run the stack (PGlite, persistent
// data in .local-supabase/data, demo simulator on) serving the dashboard on the same port.
//   npm start -- --reset        start from a fresh database
//   npm start -- --port 54400   another port (the build points at it)
//   npm start -- --no-build     reuse the last build in dist/
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    port: { type: 'string', default: '54321' },
    'no-build': { type: 'boolean', default: false },
    'sim-rate': { type: 'string' },
  },
  strict: true,
});
const url = `http://127.0.0.1:${values.port}`;

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

if (!values['no-build']) {
  console.log(`Building the dashboard for ${url} ...`);
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    VITE_SUPABASE_URL: url,
    VITE_SUPABASE_ANON_KEY: ANON_KEY,
  });
}

const stackArgs = ['--import', 'tsx', 'local-supabase/index.ts', '--port', values.port, '--data-dir', '.local-supabase/data', '--serve-app', 'dist'];
if (values.reset) stackArgs.push('--reset');
if (values['sim-rate']) stackArgs.push('--sim-rate', values['sim-rate']);
console.log(values.reset ? 'Starting the local stack on a fresh database ...' : 'Starting the local stack ...');
const stack = spawn(process.execPath, stackArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });

createInterface({ input: stack.stdout }).on('line', (line) => {
  if (!line.startsWith('ready ')) return void console.log(line);
  console.log(`
  Dashboard   ${url}
  API         ${url}  (anon key in .env.example)
  Logins      admin@example.com / password123   (admin: everything)
              support@example.com / password123 (support: no revenue or orders)
  Simulator   on (new customers, tickets, orders, price and stock changes)
  Data        .local-supabase/data   (npm start -- --reset for a fresh start)

  Press Ctrl+C to stop.`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stack.kill(signal));
stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

import { parseArgs } from 'node:util';
import { startStack } from './stack.ts';

const DEFAULT_SIM_RATE = 4;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '54321' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: '.local-supabase/data' },
    memory: { type: 'boolean', default: false },
    'no-simulator': { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    'serve-app': { type: 'string' },
    // default: [auth] jwt_expiry from supabase/config.toml
    'jwt-expiry': { type: 'string' },
    'sim-rate': { type: 'string', default: String(DEFAULT_SIM_RATE) },
    quiet: { type: 'boolean', default: false },
  },
  strict: true,
});

function positiveNumber(raw: string, flag: string, allowZero = false): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    console.error(`${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

// A dev server must outlive one bad request or socket; say what happened instead of exiting.
process.on('unhandledRejection', (err) => console.error('[stack] unhandled rejection:', err));

const log = values.quiet ? () => undefined : (msg: string) => console.error(`[stack] ${msg}`);
const databaseUrl = process.env.DATABASE_URL || undefined;
// --reset deletes the PGlite folder; a PostgreSQL server is never wiped by the stack.
if (values.reset && (databaseUrl || values.memory)) {
  console.error(`--reset has no effect with ${databaseUrl ? 'DATABASE_URL (the server is never wiped)' : '--memory'}`);
}

// PostgREST's own setting, as its PGRST_DB_TX_END: `commit-allow-override` honours `Prefer: tx=rollback`.
// Unset it is `commit`, as the Supabase CLI and hosted projects run PostgREST.
const TX_ENDS = ['commit', 'commit-allow-override', 'rollback', 'rollback-allow-override'] as const;
const txEndEnv = process.env.PGRST_DB_TX_END || undefined;
const dbTxEnd = TX_ENDS.find((v) => v === txEndEnv);
if (txEndEnv !== undefined && dbTxEnd === undefined) {
  console.error(`PGRST_DB_TX_END must be one of ${TX_ENDS.join(', ')}, got "${txEndEnv}"`);
  process.exit(2);
}

// Signals during startup wait for it to finish: killing PGlite mid-migration could leave the
// data folder half-written. The stack is then closed cleanly like any other stop.
let pendingSignal: string | null = null;
let stopNow: ((signal: string) => void) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopNow) stopNow(signal);
    else if (!pendingSignal) {
      pendingSignal = signal;
      log(`${signal}: stopping once startup has finished`);
    }
  });
}

const stack = await startStack({
  port: positiveNumber(values.port, '--port', true),
  host: values.host,
  dataDir: values['data-dir'],
  memory: values.memory,
  reset: values.reset,
  databaseUrl,
  jwtExpirySec: values['jwt-expiry'] === undefined ? undefined : positiveNumber(values['jwt-expiry'], '--jwt-expiry'),
  serveApp: values['serve-app'],
  simulatorRatePerMin: values['no-simulator'] ? 0 : positiveNumber(values['sim-rate'], '--sim-rate', true),
  dbTxEnd,
  log,
}).catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(code === 'EADDRINUSE' ? `port ${values.port} is in use (another stack?); try --port <n>` : `could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
if (!pendingSignal) console.log(`ready ${stack.url}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  try {
    await stack.close();
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
stopNow = (signal) => void stop(signal);
if (pendingSignal) stopNow(pendingSignal);

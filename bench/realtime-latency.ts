// Realtime benchmark: commit-to-client latency for one change with 1, 20 and 100 subscribed
// clients, and the highest change rate delivered complete to 20 clients.
// Usage: npm run bench:realtime [-- --quick]   (DATABASE_URL=postgres://... to run on PostgreSQL)
// Every client is a real supabase-js client with its own admin session token (tickets has RLS).
// Sessions of one user share one RLS check per change; the "worst case" rows give every client
// distinct claims, so each change costs one RLS check per client, as on Supabase.
import { randomUUID } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { startStack, type Stack } from '../local-supabase/stack.ts';

const quick = process.argv.includes('--quick');

interface Sub {
  client: SupabaseClient;
  /** Ticket issue → receive time minus the change's commit_timestamp (ms, same clock). */
  received: Map<string, number>;
  /** commit_timestamp of each change, in arrival order. */
  commits: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) return false;
    await sleep(2);
  }
  return true;
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function adminToken(stack: Stack, extra: Record<string, unknown> = {}): Promise<string> {
  const { rows } = await stack.db.query<{ id: string }>(`select id from auth.users where email = 'admin@example.com'`);
  const now = Math.floor(Date.now() / 1000);
  return stack.keys.sign({
    aud: 'authenticated',
    role: 'authenticated',
    sub: rows[0]!.id,
    email: 'admin@example.com',
    iat: now,
    exp: now + 3600,
    session_id: randomUUID(),
    ...extra,
  });
}

/** Opens `n` clients subscribed to ticket inserts; each records receive time by ticket issue. */
async function subscribe(stack: Stack, n: number, tag: string, distinctClaims = false): Promise<Sub[]> {
  const subs: Sub[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    // Distinct claims defeat the shared RLS check: one policy evaluation per client per change.
    const token = await adminToken(stack, distinctClaims ? { bench_client: i } : {});
    const client = createClient(stack.url, stack.keys.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      accessToken: async () => token,
      realtime: { transport: WebSocket as never },
    });
    await client.realtime.setAuth();
    const sub: Sub = { client, received: new Map(), commits: [] };
    ready.push(
      new Promise((resolve) => {
        client
          .channel(`bench-${tag}-${i}`)
          .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'tickets' }, (p) => {
            const commit = Date.parse(p.commit_timestamp);
            sub.received.set(String((p.new as { issue: string }).issue), Date.now() - commit);
            sub.commits.push(commit);
          })
          .on('system', {}, (m: { message?: string }) => {
            if (m.message === 'Subscribed to PostgreSQL') resolve();
          })
          .subscribe();
      }),
    );
    subs.push(sub);
  }
  await Promise.all(ready);
  return subs;
}

async function closeAll(subs: Sub[]): Promise<void> {
  for (const s of subs) {
    await s.client.removeAllChannels();
    s.client.realtime.disconnect();
  }
}

async function latency(stack: Stack, customer: string, clients: number, samples: number, distinct = false) {
  const subs = await subscribe(stack, clients, `lat${clients}${distinct ? 'd' : ''}`, distinct);
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const issue = `lat-${clients}${distinct ? 'd' : ''}-${i}`;
    await stack.db.query(`insert into tickets (customer_id, device, issue) values ($1, 'Bench', $2)`, [customer, issue]);
    const ok = await waitFor(() => subs.every((s) => s.received.has(issue)), 10_000);
    if (!ok) throw new Error(`latency sample ${issue} not delivered to every client`);
    lat.push(...subs.map((s) => s.received.get(issue)!));
    await sleep(20);
  }
  await closeAll(subs);
  return { clients, samples, median: pct(lat, 50), p95: pct(lat, 95) };
}

async function throughput(stack: Stack, customer: string, clients: number, rate: number, seconds: number) {
  const tag = `tp${rate}`;
  const subs = await subscribe(stack, clients, tag);
  const total = Math.round(rate * seconds);
  const tickMs = 20;
  const perTick = rate / (1000 / tickMs);
  const writes: Promise<unknown>[] = [];
  const started = Date.now();
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / tickMs + 1) * perTick));
    for (; issued < due; issued++) {
      writes.push(
        stack.db.query(`insert into tickets (customer_id, device, issue) values ($1, 'Bench', $2)`, [
          customer,
          `${tag}-${issued}`,
        ]),
      );
    }
    await sleep(tickMs);
  }
  await Promise.all(writes);
  const committedIn = (Date.now() - started) / 1000;
  const complete = await waitFor(() => subs.every((s) => s.received.size >= total), 20_000);
  const deliveredIn = (Date.now() - started) / 1000;
  // Commit order (writers run concurrently on PostgreSQL): every client sees the same sequence,
  // and commit timestamps never go backwards.
  const first = [...subs[0]!.received.keys()].join();
  const inOrder =
    subs.every((s) => [...s.received.keys()].join() === first) &&
    subs[0]!.commits.every((c, i, all) => i === 0 || c >= all[i - 1]!);
  const lost = subs.reduce((acc, s) => acc + (total - s.received.size), 0);
  await closeAll(subs);
  return {
    rate,
    total,
    committedPerSec: Math.round(total / committedIn),
    deliveredPerSecPerClient: Math.round(total / deliveredIn),
    complete: complete && lost === 0,
    inOrder,
  };
}

async function main() {
  const stack = await startStack({ port: 0, memory: !process.env.DATABASE_URL, databaseUrl: process.env.DATABASE_URL });
  try {
    const { rows } = await stack.db.query<{ id: string }>(
      `insert into customers (full_name, email) values ('Bench', 'bench-${Date.now()}@bench.example') returning id`,
    );
    const customer = rows[0]!.id;

    console.log(`realtime benchmark on ${stack.db.kind}${quick ? ' (quick)' : ''}`);
    console.log('commit-to-client latency, one change at a time (ms):');
    for (const clients of [1, 20, 100]) {
      const r = await latency(stack, customer, clients, quick ? 10 : clients === 100 ? 30 : 50);
      console.log(`  ${String(clients).padStart(3)} clients: median ${r.median} ms, p95 ${r.p95} ms (${r.samples} changes)`);
    }
    console.log('worst case, every client with its own claims (one RLS check per client per change):');
    for (const clients of [20, 100]) {
      const r = await latency(stack, customer, clients, quick ? 10 : 30, true);
      console.log(`  ${String(clients).padStart(3)} clients: median ${r.median} ms, p95 ${r.p95} ms (${r.samples} changes)`);
    }
    console.log('throughput to 20 clients (each change delivered to all 20, in order):');
    let best = 0;
    for (const rate of quick ? [50, 200] : [50, 100, 200, 400, 800, 1600]) {
      const r = await throughput(stack, customer, 20, rate, quick ? 2 : 4);
      console.log(
        `  target ${rate}/s: committed ${r.committedPerSec}/s, ${r.total} changes, delivered ${r.deliveredPerSecPerClient}/s per client, complete=${r.complete}, inOrder=${r.inOrder}`,
      );
      if (!r.complete || !r.inOrder) break;
      best = Math.max(best, Math.min(r.committedPerSec, r.deliveredPerSecPerClient));
    }
    console.log(`highest change rate delivered to 20 clients with nothing lost: ~${best} changes/s`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

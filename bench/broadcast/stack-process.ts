// Parent side of bench/broadcast/stack-child.ts: starts the stack in a child process and asks it
// for its counters over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WriteRun } from './writer.ts';

export interface StackStats {
  /** statements the stack sent to its database so far, not counting drain polls that found nothing */
  queries: number;
  /** Realtime's drain polls that found nothing (the idle floor) */
  emptyPolls: number;
  /** user + system CPU of the stack's process so far, µs */
  cpuMicros: number;
}

export interface StackProcess {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  kind: string;
  pid: number;
  stats(): Promise<StackStats>;
  /** SQL run by the bench itself (setup, checks): not counted in the stack's queries */
  sql<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** mixed writes at this rate, in the stack's process (writer.ts); times are wall clock */
  write(ratePerSec: number, durationMs: number): Promise<WriteRun>;
  close(): Promise<void>;
}

export async function startStackProcess(): Promise<StackProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./stack-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the stack process exited (${code})`)));
    child.on('message', (raw) => {
      const msg = raw as Record<string, unknown>;
      if (msg.type === 'ready') return resolve(msg);
      const w = waiting.get(msg.id as number);
      if (!w) return;
      waiting.delete(msg.id as number);
      if (typeof msg.error === 'string') w.reject(new Error(msg.error));
      else w.resolve(msg);
    });
  });
  const ask = (req: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      child.send({ ...req, id });
    });
  const info = await ready;
  return {
    url: info.url as string,
    anonKey: info.anonKey as string,
    serviceRoleKey: info.serviceRoleKey as string,
    kind: info.kind as string,
    pid: child.pid ?? -1,
    async stats() {
      const r = await ask({ type: 'stats' });
      return { queries: r.queries as number, emptyPolls: r.emptyPolls as number, cpuMicros: r.cpuMicros as number };
    },
    async sql<R>(sql: string, params?: unknown[]) {
      return (await ask({ type: 'sql', sql, params })).rows as R[];
    },
    async write(ratePerSec: number, durationMs: number) {
      return (await ask({ type: 'write', ratePerSec, durationMs })).run as WriteRun;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      await ask({ type: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

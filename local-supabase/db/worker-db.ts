import { Worker } from 'node:worker_threads';
import type { Db, DbHealth, Queryable, QueryResult } from './types.ts';
import { parseWorkerMessage, WorkerDbError, workerErrors, type WorkerRequestBody } from './worker-protocol.ts';

// PGlite in a worker thread behind the Db interface. The worker runs requests one at a time in
// the order they are posted; this side decides that order:
// - plain queries are posted at once (pipelined) while no transaction holds the worker;
// - a transaction holds it from BEGIN to COMMIT/ROLLBACK, and everything else waits in `waiting`
//   (FIFO, transactions included), exactly as PGlite serialises callers in-process;
// - a transaction whose caller stops issuing queries for `idleTxMs` is rolled back and released,
//   so one stuck request cannot stall the stack (PostgreSQL's idle_in_transaction_session_timeout);
// - close() refuses what is still waiting, lets the active transaction finish, then closes PGlite.

export interface WorkerDbOptions {
  dataDir?: string;
  /** A snapshot (see `dump`) that a new database starts from. */
  from?: string;
  /** Idle time inside a transaction before it is rolled back (default 15 s). */
  idleTxMs?: number;
  /** How long close() waits for work in progress before stopping the thread (default 10 s). */
  closeTimeoutMs?: number;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Waiter = { start: () => void; fail: (e: Error) => void };

const BOOT = new URL('./pglite-worker-boot.mjs', import.meta.url);

export async function createWorkerDb(opts: WorkerDbOptions = {}): Promise<Db & { dump(path: string): Promise<void> }> {
  const idleTxMs = opts.idleTxMs ?? 15_000;
  const closeTimeoutMs = opts.closeTimeoutMs ?? 10_000;
  const worker = new Worker(BOOT, { workerData: { dataDir: opts.dataDir, from: opts.from } });
  let nextId = 1;
  const inflight = new Map<number, Pending>();
  const waiting: Waiter[] = [];
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let txActive = false;
  let busySince: number | null = null;
  let dead: Error | null = null;
  let closing = false;
  let closed: Promise<void> | null = null;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | null = null;

  const failAll = (err: Error) => {
    for (const p of inflight.values()) p.reject(err);
    inflight.clear();
    for (const w of waiting.splice(0)) w.fail(err);
  };

  worker.on('message', (raw: unknown) => {
    const msg = parseWorkerMessage(raw);
    if (!msg) return void worker.emit('error', workerErrors.protocol('unreadable message'));
    if (msg.type === 'ready') return void onReady?.resolve();
    if (msg.type === 'fatal') return void onReady?.reject(new WorkerDbError(msg.error));
    if (msg.type === 'notify') {
      for (const cb of listeners.get(msg.channel) ?? []) cb(msg.payload);
      return;
    }
    const p = inflight.get(msg.id);
    if (!p) return;
    inflight.delete(msg.id);
    busySince = inflight.size > 0 ? Date.now() : null;
    if (msg.type === 'error') p.reject(new WorkerDbError(msg.error));
    else if (msg.type === 'result') p.resolve({ rows: msg.rows, fields: msg.fields });
    else p.resolve(undefined);
  });
  worker.on('error', (err) => {
    dead ??= workerErrors.exited(err.message);
    onReady?.reject(dead);
    failAll(dead);
  });
  worker.on('exit', (code) => {
    dead ??= closing ? workerErrors.closed() : workerErrors.exited(`exit code ${code}`);
    onReady?.reject(dead);
    failAll(dead);
  });

  await new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
  }).finally(() => {
    onReady = null;
  });

  /** Posts straight to the worker (the caller owns the ordering). */
  function post<T>(req: WorkerRequestBody): Promise<T> {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      inflight.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (busySince === null) busySince = Date.now();
      worker.postMessage({ ...req, id });
    });
  }

  /** Runs `start` now if nothing holds the worker, else after everything queued before it. */
  function whenFree(exclusive: boolean): Promise<void> {
    if (closing) return Promise.reject(workerErrors.closed());
    if (dead) return Promise.reject(dead);
    if (!txActive && waiting.length === 0) {
      if (exclusive) txActive = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      waiting.push({
        start: () => {
          if (exclusive) txActive = true;
          resolve();
        },
        fail: reject,
      });
    });
  }

  function release(): void {
    txActive = false;
    while (waiting.length > 0 && !txActive) waiting.shift()!.start();
  }

  async function plain<T>(req: WorkerRequestBody): Promise<T> {
    // A waiter is started synchronously inside release(), so posting right after keeps FIFO order.
    await whenFree(false);
    return post<T>(req);
  }

  const toResult = <R>(r: unknown) => r as QueryResult<R>;

  async function transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    await whenFree(true);
    let state: 'open' | 'done' | 'aborted' = 'open';
    let active = 0;
    let idleTimer: NodeJS.Timeout | null = null;
    let abort: (err: Error) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = reject;
    });
    aborted.catch(() => undefined);
    const armIdle = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        if (state !== 'open' || active > 0) return;
        state = 'aborted';
        abort(workerErrors.idleTransaction(idleTxMs));
      }, idleTxMs);
      idleTimer.unref();
    };
    const tx: Queryable = {
      async query<R>(sql: string, params?: unknown[]) {
        if (state === 'aborted') throw workerErrors.idleTransaction(idleTxMs);
        if (state === 'done') throw new WorkerDbError({ code: '25000', message: 'query on a transaction that has already ended' });
        active++;
        if (idleTimer) clearTimeout(idleTimer);
        try {
          return toResult<R>(await post({ op: 'query', sql, params: params ?? [] }));
        } finally {
          active--;
          if (state === 'open' && active === 0) armIdle();
        }
      },
    };
    try {
      await post({ op: 'query', sql: 'begin', params: [] });
      armIdle();
      const result = await Promise.race([fn(tx), aborted]);
      if (idleTimer) clearTimeout(idleTimer);
      state = 'done';
      await post({ op: 'query', sql: 'commit', params: [] });
      return result;
    } catch (err) {
      if (idleTimer) clearTimeout(idleTimer);
      state = state === 'open' ? 'done' : state;
      await post({ op: 'query', sql: 'rollback', params: [] }).catch(() => undefined);
      throw err;
    } finally {
      release();
    }
  }

  return {
    kind: 'pglite',
    async query<R>(sql: string, params?: unknown[]) {
      return toResult<R>(await plain({ op: 'query', sql, params: params ?? [] }));
    },
    transaction,
    async exec(sql: string) {
      await plain({ op: 'exec', sql });
    },
    /** Snapshot of the whole database, taken between transactions. */
    async dump(path: string) {
      await plain({ op: 'dump', path });
    },
    async listen(channel, onPayload) {
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        try {
          await plain({ op: 'listen', channel });
        } catch (err) {
          listeners.delete(channel);
          throw err;
        }
      }
      set.add(onPayload);
      return async () => {
        const current = listeners.get(channel);
        if (!current?.delete(onPayload) || current.size > 0) return;
        listeners.delete(channel);
        if (!closing && !dead) await plain({ op: 'unlisten', channel }).catch(() => undefined);
      };
    },
    async health(): Promise<DbHealth> {
      // Answered from this thread: a long query occupies the worker, not the stack.
      if (dead && !closing) return { ok: false, error: dead.message };
      if (closing) return { ok: false, error: 'closing' };
      return { ok: true, busyMs: busySince === null ? 0 : Date.now() - busySince, queued: waiting.length };
    },
    close() {
      closed ??= (async () => {
        closing = true;
        for (const w of waiting.splice(0)) w.fail(workerErrors.closed());
        if (dead) return;
        const stop = setTimeout(() => void worker.terminate(), closeTimeoutMs);
        stop.unref();
        try {
          // Work already posted (and an active transaction's remaining queries) runs first.
          await waitUntil(() => !txActive, closeTimeoutMs);
          await post({ op: 'close' });
        } catch {
          // The worker is gone already (or was stopped): nothing left to flush.
        } finally {
          clearTimeout(stop);
          await worker.terminate().catch(() => undefined);
        }
      })();
      return closed;
    },
  };
}

function waitUntil(cond: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = () => {
      if (cond() || Date.now() - started > timeoutMs) resolve();
      else setTimeout(tick, 10).unref();
    };
    tick();
  });
}

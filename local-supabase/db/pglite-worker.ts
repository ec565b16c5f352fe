// The embedded database's thread. PGlite runs WebAssembly synchronously, so in the server's thread a
// long query (or a chain of them) would stop every HTTP request and socket; here it only occupies
// this thread. Requests run strictly one after another, in arrival order: the stack decides what
// may interleave (db/worker-db.ts holds the worker for a transaction's whole span).
import { writeFileSync } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { openPglite } from './pglite.ts';
import { parseWorkerRequest, toWireError, type WorkerMessage, type WorkerRequest } from './worker-protocol.ts';

if (!parentPort) throw new Error('pglite-worker.ts must run in a worker thread');
const port: MessagePort = parentPort;
const post = (m: WorkerMessage) => port.postMessage(m);

async function handle(pg: PGlite, req: WorkerRequest, unlisteners: Map<string, () => Promise<void>>): Promise<void> {
  switch (req.op) {
    case 'query': {
      const res = await pg.query(req.sql, req.params);
      try {
        post({ type: 'result', id: req.id, rows: res.rows, fields: res.fields });
      } catch (err) {
        // A value structured clone cannot carry; say so instead of leaving the caller waiting.
        post({ type: 'error', id: req.id, error: { code: 'XX000', message: `result not transferable: ${toWireError(err).message}` } });
      }
      return;
    }
    case 'exec':
      try {
        await pg.exec(req.sql);
      } catch (err) {
        // A script that opened a transaction and failed leaves it aborted; close it so the single
        // connection stays usable (ROLLBACK outside a transaction only warns).
        await pg.exec('rollback').catch(() => undefined);
        throw err;
      }
      post({ type: 'done', id: req.id });
      return;
    case 'listen':
      if (!unlisteners.has(req.channel)) {
        const channel = req.channel;
        unlisteners.set(channel, await pg.listen(channel, (payload) => post({ type: 'notify', channel, payload })));
      }
      post({ type: 'done', id: req.id });
      return;
    case 'unlisten': {
      const un = unlisteners.get(req.channel);
      unlisteners.delete(req.channel);
      if (un) await un();
      post({ type: 'done', id: req.id });
      return;
    }
    case 'dump': {
      const tar = await pg.dumpDataDir('none');
      writeFileSync(req.path, Buffer.from(await tar.arrayBuffer()));
      post({ type: 'done', id: req.id });
      return;
    }
    case 'close':
      if (!pg.closed) await pg.close();
      post({ type: 'done', id: req.id });
      port.close();
      return;
  }
}

async function main(): Promise<void> {
  const { dataDir, from } = (workerData ?? {}) as { dataDir?: string; from?: string };
  let pg: PGlite;
  try {
    pg = await openPglite(dataDir, from);
  } catch (err) {
    post({ type: 'fatal', error: toWireError(err) });
    port.close();
    return;
  }
  const unlisteners = new Map<string, () => Promise<void>>();
  let chain = Promise.resolve();
  port.on('message', (raw: unknown) => {
    const req = parseWorkerRequest(raw);
    if (!req) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') post({ type: 'error', id, error: { code: 'XX000', message: 'malformed request to the database worker' } });
      return;
    }
    chain = chain.then(() =>
      handle(pg, req, unlisteners).catch((err: unknown) => post({ type: 'error', id: req.id, error: toWireError(err) })),
    );
  });
  post({ type: 'ready' });
}

void main();

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Db } from '../db/types.ts';
import type { JwtClaims, Keys } from '../auth/keys.ts';
import { createAuthorizer } from './authorization.ts';
import { installCapture, NOTIFY_CHANNEL, syncTables, type TableInfo } from './capture.ts';
import type { Channel } from './channel.ts';
import { Client, type ClientHost } from './client.ts';
import type { DbMessage } from './db-message.ts';
import { Drainer } from './drainer.ts';
import { parseSubscriptionParams, type SubscriptionParams } from './filters.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { parseVsn } from './protocol.ts';
import { loadReplay } from './replay.ts';
import type { RestBroadcaster } from './rest-broadcast.ts';
import { needsFreshTables, Registry, resolveBindings, SubscribeError, type Subscription } from './subscriptions.ts';
import { checkToken, connectErrorMessage } from './tokens.ts';

export type { Limits } from './limits.ts';

// The local Realtime: Phoenix sockets (client.ts) on `ws`, postgres_changes fed by trigger capture
// (capture.sql) and one drainer (drainer.ts) that applies filters, privileges and RLS per subscriber
// and delivers in commit order. Wire details follow shared/supabase-protocol.md §1.

export interface RealtimeDeps {
  db: Db;
  keys: Keys;
  log?: (msg: string) => void;
  limits?: Partial<Limits>;
}

export interface Realtime {
  start(): Promise<void>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): { connections: number; channels: number; eventsDelivered: number };
  /** REST broadcast (rest-broadcast.ts): fans out, private messages only where the JWT may write. */
  httpBroadcast: RestBroadcaster['send'];
  close(): Promise<void>;
}

export const REALTIME_PATH = '/realtime/v1/websocket';
const TABLES_TTL_MS = 2000;

function refuse(socket: Duplex, status: number, text: string, body: object): void {
  const json = JSON.stringify(body);
  if (!socket.writable) return void socket.destroy();
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
  );
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const { db, keys } = deps;
  const log = deps.log ?? (() => undefined);
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const registry = new Registry();
  const authorizer = createAuthorizer(db, log);
  const clients = new Set<Client>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  let stopped = false;
  let pending = 0;

  // Publication tables, refreshed at most every TABLES_TTL_MS (or on demand); one sync at a time.
  let tables: { at: number; map: Map<string, TableInfo> } | null = null;
  let syncing: Promise<Map<string, TableInfo>> | null = null;
  function getTables(force = false): Promise<Map<string, TableInfo>> {
    if (!force && tables && Date.now() - tables.at < TABLES_TTL_MS) return Promise.resolve(tables.map);
    if (!syncing) {
      syncing = syncTables(db)
        .then((map) => {
          tables = { at: Date.now(), map };
          return map;
        })
        .finally(() => {
          syncing = null;
        });
    }
    return syncing;
  }

  const drainer = new Drainer({
    db,
    registry,
    tables: (force) => getTables(force),
    batchSize: limits.batchSize,
    maxRecordBytes: limits.maxRecordBytes,
    log,
    deliverMessage,
  });

  // Broadcast from the database, in commit order, to every member the message is for.
  let messagesDelivered = 0;
  function deliverMessage(msg: DbMessage): void {
    // Tenants.validate_payload_size, as Realtime's replication handler: an oversized message is not sent.
    if (Buffer.byteLength(msg.payloadJson) > limits.maxBroadcastPayloadBytes) {
      log(`realtime: message ${msg.id} on ${msg.topic} exceeds the broadcast payload limit; not delivered`);
      return;
    }
    for (const c of clients) if (c.deliverDbMessage(msg)) messagesDelivered++;
  }

  let draining: Promise<void> | null = null;
  let lastDrainError = 0;
  let again = false;
  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          while (!stopped && (await drainer.drainOnce()) >= limits.batchSize);
        } while (again && !stopped);
      } catch (err) {
        if (stopped) return;
        const msg = err instanceof Error ? err.message : String(err);
        // Log once a second at most; a reset database may have lost the capture schema: put it back.
        if (Date.now() - lastDrainError > 1000) log(`realtime: drain failed: ${msg}`);
        lastDrainError = Date.now();
        if (/_realtime/.test(msg) && /does not exist/.test(msg)) {
          await installCapture(db)
            .then(() => getTables(true))
            .catch(() => undefined);
        }
      } finally {
        draining = null;
      }
    })();
  }

  async function subscribe(channel: Channel): Promise<{ status: 'ok' | 'error'; message: string } | null> {
    if (channel.bindings.length === 0) {
      registry.remove(channel);
      return null;
    }
    const gen = channel.generation;
    const parsed: SubscriptionParams[] = [];
    for (const b of channel.bindings) {
      const p = parseSubscriptionParams(b.params);
      if (!p.ok) {
        registry.remove(channel);
        return { status: 'error', message: p.error };
      }
      parsed.push(p.value);
    }
    try {
      // The cached publication unless a binding names a table or column it does not know yet.
      let map = await getTables();
      if (needsFreshTables(map, parsed)) map = await getTables(true);
      const resolved = await resolveBindings(db, map, parsed, channel.role);
      const subs: Subscription[] = resolved.map((tables, i) => ({
        bindingId: channel.bindings[i]!.id,
        sink: channel,
        action: parsed[i]!.action,
        tables,
      }));
      if (channel.closed || gen !== channel.generation) return null;
      registry.replace(channel, subs);
      return { status: 'ok', message: 'Subscribed to PostgreSQL' };
    } catch (err) {
      registry.remove(channel);
      if (err instanceof SubscribeError) return { status: 'error', message: err.message };
      log(`realtime: subscribe failed: ${err instanceof Error ? err.message : err}`);
      return { status: 'error', message: 'Realtime was unable to connect to the project database' };
    }
  }

  const host: ClientHost = {
    keys,
    limits,
    log,
    subscribe,
    unsubscribe: (channel) => registry.remove(channel),
    broadcast(from, topic, message, self, isPrivate) {
      for (const c of clients) if (c !== from || self) c.broadcastTo(topic, message, isPrivate);
    },
    authorizePrivate: (req) => authorizer.authorizeRead(req),
    canWrite: (req) => authorizer.canWrite(req),
    replay: (subTopic, since, limit) => loadReplay(db, subTopic, since, limit),
    onClose: (client) => clients.delete(client),
  };

  let pollTimer: NodeJS.Timeout | null = null;
  let idleTimer: NodeJS.Timeout | null = null;
  let cleanupTimer: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  return {
    async start() {
      await installCapture(db);
      await getTables(true);
      unlisten = await db.listen(NOTIFY_CHANNEL, () => kick());
      pollTimer = setInterval(kick, limits.pollIntervalMs);
      pollTimer.unref();
      idleTimer = setInterval(() => {
        const cutoff = Date.now() - limits.idleTimeoutMs;
        for (const c of clients) if (c.lastSeen < cutoff) c.close(1000, 'idle timeout');
      }, Math.min(10_000, limits.idleTimeoutMs));
      idleTimer.unref();
      // Supabase keeps broadcast messages 72 hours (Realtime.Messages.delete_old_messages).
      const cleanup = () =>
        void db.query('select _realtime.delete_old_messages()').catch((err: unknown) => log(`realtime: message cleanup failed: ${String(err)}`));
      cleanup();
      cleanupTimer = setInterval(cleanup, limits.messageCleanupIntervalMs);
      cleanupTimer.unref();
      kick();
    },

    handleUpgrade(req, socket, head) {
      socket.on('error', () => undefined);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== REALTIME_PATH && url.pathname !== `${REALTIME_PATH}/`) {
        refuse(socket, 404, 'Not Found', { error: 'Not found' });
        return;
      }
      if (stopped) {
        refuse(socket, 503, 'Service Unavailable', { error: 'Realtime is restarting, please standby' });
        return;
      }
      const vsn = parseVsn(url.searchParams.get('vsn'));
      const headerKey = req.headers['x-api-key'];
      const apikey = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? url.searchParams.get('apikey');
      const fail = (status: number, text: string, message: string) => {
        const t = setTimeout(() => refuse(socket, status, text, { error: message }), limits.connectErrorDelayMs);
        t.unref();
      };
      if (clients.size + pending >= limits.maxConnections) return fail(429, 'Too Many Requests', 'Too many connected users');
      if (!apikey) return fail(401, 'Unauthorized', 'API key is missing');
      if (vsn === null) return fail(400, 'Bad Request', 'Unsupported serializer version');
      pending++;
      checkToken(keys, apikey)
        .then((checked) => {
          pending--;
          if (!checked.ok) return fail(401, 'Unauthorized', connectErrorMessage(checked.failure));
          if (stopped || socket.destroyed) return void socket.destroy();
          wss.handleUpgrade(req, socket, head, (ws) => {
            if (stopped) return ws.close(1001, 'server shutting down');
            clients.add(new Client(ws, vsn, keys.toJwt(apikey), host));
          });
        })
        .catch((err) => {
          pending--;
          log(`realtime: upgrade failed: ${err instanceof Error ? err.message : err}`);
          socket.destroy();
        });
    },

    stats() {
      let channels = 0;
      for (const c of clients) channels += c.channelCount;
      return { connections: clients.size, channels, eventsDelivered: drainer.eventsDelivered + messagesDelivered };
    },

    async httpBroadcast(claims, messages) {
      const writable = new Map<string, boolean>();
      for (const m of messages) {
        if (m.private) {
          let ok = writable.get(m.topic);
          if (ok === undefined) {
            ok = await authorizer.canWrite({ subTopic: m.topic, role: claims.role, claims: claims as JwtClaims });
            writable.set(m.topic, ok);
          }
          if (!ok) continue;
        }
        const topic = `realtime:${m.topic}`;
        const message = m.binary
          ? { payload: m.binary, binary: { event: m.event, meta: '', encoding: 0 as const, body: m.binary } }
          : { payload: { type: 'broadcast', event: m.event, payload: m.payload } };
        for (const c of clients) c.broadcastTo(topic, message, m.private);
      }
    },

    async close() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      if (idleTimer) clearInterval(idleTimer);
      if (cleanupTimer) clearInterval(cleanupTimer);
      for (const c of [...clients]) c.close(1001, 'server shutting down');
      clients.clear();
      await draining?.catch(() => undefined);
      if (unlisten) await unlisten().catch(() => undefined);
      wss.close();
    },
  };
}

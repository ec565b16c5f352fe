import { Hono } from 'hono';
import type { Keys } from '../auth/keys.ts';
import { checkToken, connectErrorMessage } from './tokens.ts';

// Realtime's REST broadcast (BroadcastController, BroadcastSingleController), which supabase-js uses
// for `channel.send()` before the channel is joined and for `channel.httpSend()`:
//   POST /realtime/v1/api/broadcast                       {"messages":[{topic, event, payload, private?}]}
//   POST /realtime/v1/api/broadcast/:topic/events/:event  body = payload (JSON, or octet-stream), ?private=true
// The JWT is the Bearer token, else the apikey. Accepted messages answer 202; a private message whose
// topic the JWT may not write (INSERT policies on realtime.messages) is dropped, as on Supabase.

export interface RestMessage {
  topic: string;
  event: string;
  /** JSON payload, or raw bytes for the single endpoint's octet-stream body. */
  payload: unknown;
  binary?: Buffer;
  private: boolean;
}

export interface RestBroadcaster {
  keys: Keys;
  send(claims: { role: string } & Record<string, unknown>, messages: RestMessage[]): Promise<void>;
}

export type ParsedBatch = { ok: true; messages: RestMessage[] } | { ok: false; error: string };

/** The batch body; every message needs a string topic and event and an object payload. */
export function parseBatch(body: unknown): ParsedBatch {
  const list = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'messages: is required and must be a non-empty list' };
  const messages: RestMessage[] = [];
  for (const [i, m] of list.entries()) {
    const o = m as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null) return { ok: false, error: `messages[${i}]: must be an object` };
    if (typeof o.topic !== 'string' || o.topic === '') return { ok: false, error: `messages[${i}].topic: can't be blank` };
    if (typeof o.event !== 'string' || o.event === '') return { ok: false, error: `messages[${i}].event: can't be blank` };
    if (typeof o.payload !== 'object' || o.payload === null || Array.isArray(o.payload)) {
      return { ok: false, error: `messages[${i}].payload: is invalid` };
    }
    messages.push({ topic: o.topic, event: o.event, payload: o.payload, private: o.private === true || o.private === 'true' });
  }
  return { ok: true, messages };
}

function tokenOf(authorization: string | undefined, apikey: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  return bearer ?? apikey;
}

export function createBroadcastRoutes(b: RestBroadcaster): Hono {
  const app = new Hono();
  const authorize = async (authorization: string | undefined, apikey: string | undefined) => {
    const token = tokenOf(authorization, apikey);
    if (!token) return { ok: false as const, error: 'API key is missing' };
    const checked = await checkToken(b.keys, token);
    return checked.ok ? { ok: true as const, claims: checked.claims } : { ok: false as const, error: connectErrorMessage(checked.failure) };
  };

  app.post('/broadcast', async (c) => {
    const auth = await authorize(c.req.header('authorization'), c.req.header('apikey'));
    if (!auth.ok) return c.json({ message: auth.error }, 401);
    const body: unknown = await c.req.json().catch(() => null);
    const parsed = parseBatch(body);
    if (!parsed.ok) return c.json({ message: parsed.error }, 422);
    await b.send(auth.claims, parsed.messages);
    return c.body(null, 202);
  });

  app.post('/broadcast/:topic/events/:event', async (c) => {
    const auth = await authorize(c.req.header('authorization'), c.req.header('apikey'));
    if (!auth.ok) return c.json({ message: auth.error }, 401);
    const isPrivate = c.req.query('private') === 'true';
    const type = c.req.header('content-type') ?? '';
    const base = { topic: c.req.param('topic'), event: c.req.param('event'), private: isPrivate };
    if (type.startsWith('application/octet-stream')) {
      const binary = Buffer.from(await c.req.arrayBuffer());
      await b.send(auth.claims, [{ ...base, payload: null, binary }]);
      return c.body(null, 202);
    }
    if (!type.startsWith('application/json')) return c.json({ message: 'Unsupported content type' }, 415);
    const payload: unknown = await c.req.json().catch(() => undefined);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return c.json({ message: 'payload: is invalid' }, 422);
    }
    await b.send(auth.claims, [{ ...base, payload }]);
    return c.body(null, 202);
  });
  return app;
}

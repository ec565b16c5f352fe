import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createKeys } from '../../../../local-supabase/auth/keys.ts';
import { readDeniedReason } from '../../../../local-supabase/realtime/authorization.ts';
import { Client, type ClientHost } from '../../../../local-supabase/realtime/client.ts';
import { DEFAULT_LIMITS } from '../../../../local-supabase/realtime/limits.ts';

class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: string[] = [];
  terminated = false;
  send(text: string) {
    this.sent.push(text);
  }
  terminate() {
    this.terminated = true;
    this.readyState = WebSocket.CLOSED;
  }
  close() {
    this.readyState = WebSocket.CLOSED;
  }
}

function setup() {
  const ws = new FakeSocket();
  const keys = createKeys();
  const host: ClientHost = {
    keys,
    limits: { ...DEFAULT_LIMITS, maxBufferedBytes: 1000 },
    log: () => undefined,
    subscribe: vi.fn(async () => null),
    unsubscribe: vi.fn(),
    broadcast: vi.fn(),
    authorizePrivate: async (req) => ({ ok: false, reason: readDeniedReason(req.subTopic) }),
    canWrite: async () => false,
    replay: async () => [],
    onClose: vi.fn(),
  };
  const client = new Client(ws as unknown as WebSocket, '2.0.0', keys.anonKey, host);
  return { ws, host, client };
}

describe('realtime client socket', () => {
  it('drops a client whose unsent data exceeds the cap', () => {
    const { ws, host, client } = setup();
    client.sendRaw('one');
    expect(ws.sent).toEqual(['one']);
    ws.bufferedAmount = 5000;
    client.sendRaw('two');
    expect(ws.terminated).toBe(true);
    expect(ws.sent).toEqual(['one']);
    expect(host.onClose).toHaveBeenCalledWith(client);
  });

  it('sends phx_error (client rejoins) when a channel fails internally', async () => {
    const { ws, host } = setup();
    host.subscribe = vi.fn(async () => {
      throw new Error('database went away');
    });
    const join = ['4', '4', 'realtime:x', 'phx_join', { config: { postgres_changes: [{ event: '*', schema: 'public', table: 't' }] } }];
    ws.emit('message', Buffer.from(JSON.stringify(join)), false);
    await vi.waitFor(() => expect(ws.sent.length).toBe(2));
    expect(JSON.parse(ws.sent[0]!)).toMatchObject(['4', '4', 'realtime:x', 'phx_reply', { status: 'ok' }]);
    expect(JSON.parse(ws.sent[1]!)).toEqual(['4', '4', 'realtime:x', 'phx_error', {}]);
    expect(host.unsubscribe).toHaveBeenCalled();
  });

  it('answers heartbeats and ignores garbage without closing', () => {
    const { ws } = setup();
    ws.emit('message', Buffer.from('garbage'), false);
    ws.emit('message', Buffer.from('[null,"3","phoenix","heartbeat",{}]'), false);
    expect(ws.sent).toEqual(['[null,"3","phoenix","phx_reply",{"status":"ok","response":{}}]']);
    expect(ws.terminated).toBe(false);
  });
});

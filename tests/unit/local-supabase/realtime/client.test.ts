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

  it('refuses a private channel with the policy verdict, after the token check', async () => {
    const { ws, host } = setup();
    host.limits = { ...host.limits, joinErrorDelayMs: 0 };
    const join = ['5', '5', 'realtime:room-1', 'phx_join', { config: { private: true, postgres_changes: [] } }];
    ws.emit('message', Buffer.from(JSON.stringify(join)), false);
    await vi.waitFor(() => expect(ws.sent.length).toBe(1));
    expect(JSON.parse(ws.sent[0]!)).toEqual([
      '5',
      '5',
      'realtime:room-1',
      'phx_reply',
      { status: 'error', response: { reason: 'Unauthorized: You do not have permissions to read from this Channel topic: room-1' } },
    ]);
    expect(host.subscribe).not.toHaveBeenCalled();
  });

  it('answers a join that fails before its channel exists, instead of staying silent', async () => {
    const { ws, host } = setup();
    host.limits = { ...host.limits, joinErrorDelayMs: 0 };
    host.authorizePrivate = vi.fn(async () => {
      throw new Error('policy check crashed');
    });
    ws.emit('message', Buffer.from(JSON.stringify(['6', '6', 'realtime:p', 'phx_join', { config: { private: true } }])), false);
    await vi.waitFor(() => expect(ws.sent.length).toBe(1));
    expect(JSON.parse(ws.sent[0]!)[4]).toEqual({ status: 'error', response: { reason: 'UnknownErrorOnChannel: the join could not be processed' } });
  });
});

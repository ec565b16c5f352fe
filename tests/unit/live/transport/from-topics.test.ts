import { describe, expect, it } from 'vitest';
import type { LiveChannel } from '@/live/transport/transport';
import type { AppSupabaseClient } from '@/lib/supabase';
import { fromTopics } from '@/live/transport/from-topics';
import type { Topic } from '@/live/transport/transport';

// A transport is a list of topics: a second topic (a per-user topic, a presence channel) plugs in
// beside the first, and every key is opened by, and its payloads reach, the topic that named it.

const client = {} as AppSupabaseClient;
const handlers = { onChange: () => undefined, onReady: () => undefined, onResubscribed: () => undefined, onFailure: () => undefined };

function topic(keys: (viewer: { id: string; role: string }) => string[]) {
  const opened: string[] = [];
  const received: [string, unknown][] = [];
  const t: Topic = {
    keys,
    open: (_client, key) => {
      opened.push(key);
      return { ready: true, dispose: () => undefined } satisfies LiveChannel;
    },
    receive: (key, payload) => received.push([key, payload]),
  };
  return { t, opened, received };
}

describe('fromTopics', () => {
  it('lists every topic’s keys for the viewer, in order', () => {
    const role = topic((v) => [`dashboard:${v.role}`]);
    const user = topic((v) => [`alerts:${v.id}`]);
    const transport = fromTopics([role.t, user.t]);
    expect(transport.keys({ id: 'u1', role: 'support' })).toEqual(['dashboard:support', 'alerts:u1']);
  });

  it('opens each key with the topic that named it, and routes its payloads there', () => {
    const role = topic(() => ['dashboard:admin']);
    const user = topic(() => ['alerts:u1']);
    const transport = fromTopics([role.t, user.t]);
    transport.keys({ id: 'u1', role: 'admin' });
    transport.open(client, 'alerts:u1', handlers);
    transport.open(client, 'dashboard:admin', handlers);
    transport.receive('alerts:u1', { n: 1 });
    transport.receive('dashboard:admin', { n: 2 });
    expect(role.opened).toEqual(['dashboard:admin']);
    expect(user.opened).toEqual(['alerts:u1']);
    expect(role.received).toEqual([['dashboard:admin', { n: 2 }]]);
    expect(user.received).toEqual([['alerts:u1', { n: 1 }]]);
  });

  it('refuses to open a key no topic named, and drops payloads for one', () => {
    const role = topic(() => ['dashboard:admin']);
    const transport = fromTopics([role.t]);
    transport.keys({ id: 'u1', role: 'admin' });
    expect(() => transport.open(client, 'dashboard:support', handlers)).toThrow(/no topic owns/);
    transport.receive('dashboard:support', {});
    expect(role.received).toEqual([]);
  });
});

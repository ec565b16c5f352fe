import type { RealtimeChannel } from '@supabase/supabase-js';
import { isObject } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveChannel, LiveChannelHandlers } from './transport';
import type { StaffRole } from '../types';

/** The private topic each role's deltas are sent on (a contract with the database). */
export const deltaTopic = (role: StaffRole): string => `dashboard:${role}`;

/** Channels this module is removing: a rejoin waits for that leave instead of sending a second one. */
const leaving = new WeakMap<RealtimeChannel, Promise<unknown>>();

function remove(client: AppSupabaseClient, channel: RealtimeChannel): Promise<unknown> {
  let done = leaving.get(channel);
  if (!done) {
    done = client.removeChannel(channel).catch(() => undefined);
    leaving.set(channel, done);
  }
  return done;
}

/** A token the server no longer takes, or policies that no longer let us read: refresh, then rejoin. */
const TOKEN_PROBLEM = /token|jwt|expired|no longer have permission|do not have permissions/i;

/**
 * The role's private delta topic (`config.private: true`): ready on SUBSCRIBED (there is no
 * "Subscribed to PostgreSQL" for broadcast). A refused join, a revocation (system error, then
 * phx_close), a timeout or a close is a failure, like a table channel's.
 */
export function openDeltaChannel(client: AppSupabaseClient, topic: string, handlers: LiveChannelHandlers): LiveChannel {
  let ready = false;
  let disposed = false;
  let channel: RealtimeChannel | null = null;

  const fail = (reason: string, tokenProblem: boolean) => {
    if (disposed) return;
    ready = false;
    disposed = true;
    if (channel) void remove(client, channel);
    handlers.onFailure(reason, tokenProblem);
  };

  const join = () => {
    if (disposed) return;
    const ch = client
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: 'delta' }, (message: unknown) => {
        if (!disposed && channel === ch) handlers.onChange(isObject(message) ? message.payload : message);
      })
      .on('system', {}, (payload: unknown) => {
        if (disposed || channel !== ch || !isObject(payload) || payload.status !== 'error') return;
        const message = typeof payload.message === 'string' ? payload.message : 'system error';
        fail(`${topic}: ${message}`, TOKEN_PROBLEM.test(message));
      });
    channel = ch;
    ch.subscribe((status, err) => {
      if (disposed || channel !== ch) return;
      if (status === 'SUBSCRIBED') {
        if (ready) {
          handlers.onResubscribed();
          return;
        }
        ready = true;
        handlers.onReady();
        return;
      }
      const message = err?.message ?? '';
      fail(`${topic}: ${status}${message ? ` (${message})` : ''}`, /token|jwt|expired/i.test(message));
    });
  };

  // The topic is fixed, and supabase-js hands back a channel of the same topic that is still
  // there: the previous one (being removed after a failure) must be gone before we join again.
  const stale = client.getChannels().filter((c) => c.topic === `realtime:${topic}`);
  if (stale.length === 0) join();
  else void Promise.all(stale.map((c) => remove(client, c))).finally(join);

  return {
    get ready() {
      return ready && !disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      ready = false;
      if (channel) void remove(client, channel);
    },
  };
}

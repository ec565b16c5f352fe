import type { RealtimeChannel, RealtimeChannelOptions } from '@supabase/supabase-js';
import { isObject } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveTable } from './parse-change';

export interface TableChannelHandlers {
  onChange(payload: unknown): void;
  /** SUBSCRIBED and the server confirmed postgres changes flow ("Subscribed to PostgreSQL") */
  onReady(): void;
  /** another "Subscribed to PostgreSQL" on a ready channel (the server resubscribed after a token change) */
  onResubscribed(): void;
  /** the channel can no longer deliver changes; `tokenProblem` = the server rejected our JWT */
  onFailure(reason: string, tokenProblem: boolean): void;
}

export interface TableChannel {
  readonly table: LiveTable;
  readonly ready: boolean;
  dispose(): void;
}

let sequence = 0;

const TOKEN_PROBLEM = /token|jwt|expired/i;

/** Whether the join that was sent asked the server to hold the reply until changes flow (newer clients forward this). */
function joinWaitedForChanges(channel: RealtimeChannel): boolean {
  try {
    const payload: unknown = channel.joinPush.payload();
    if (!isObject(payload) || !isObject(payload.config)) return false;
    const options = payload.config.postgres_changes_options;
    return isObject(options) && options.wait === true;
  } catch {
    return false;
  }
}

/**
 * One channel per table: a bad binding or a failed subscription on the server silences every binding
 * of its channel, so one table's trouble must not stop the others.
 */
export function openTableChannel(client: AppSupabaseClient, table: LiveTable, handlers: TableChannelHandlers): TableChannel {
  sequence += 1;
  let subscribed = false;
  let changesFlow = false;
  let ready = false;
  let disposed = false;
  let tokenProblem = false;

  const becomeReadyIfPossible = () => {
    if (!ready && subscribed && changesFlow) {
      ready = true;
      handlers.onReady();
    }
  };
  const fail = (reason: string) => {
    if (disposed) return;
    ready = false;
    disposed = true;
    void client.removeChannel(channel);
    handlers.onFailure(reason, tokenProblem || TOKEN_PROBLEM.test(reason));
  };

  // `postgres_changes_options` is forwarded by newer realtime-js releases; older ones ignore it and
  // the server's `system` message below is what tells us changes flow.
  const options = { config: { postgres_changes_options: { wait: true } } } as unknown as RealtimeChannelOptions;
  const channel = client
    .channel(`live-${table}-${sequence}`, options)
    .on('postgres_changes', { event: '*', schema: 'public', table }, (payload) => {
      if (!disposed) handlers.onChange(payload);
    })
    .on('system', {}, (payload: unknown) => {
      if (disposed || !isObject(payload)) return;
      const message = typeof payload.message === 'string' ? payload.message : 'system message';
      if (payload.status === 'error') {
        if (payload.extension === 'system' && TOKEN_PROBLEM.test(message)) tokenProblem = true;
        fail(`${table}: ${message}`);
        return;
      }
      if (payload.status === 'ok' && payload.extension === 'postgres_changes') {
        if (ready) {
          handlers.onResubscribed();
          return;
        }
        changesFlow = true;
        becomeReadyIfPossible();
      }
    })
    .subscribe((status, err) => {
      if (disposed) return;
      if (status === 'SUBSCRIBED') {
        subscribed = true;
        // A server that honours `wait` replies only once changes flow. One that ignores it replies at
        // once; its later "Subscribed to PostgreSQL" then arrives on a ready channel and triggers a
        // catch-up from the cursor (onResubscribed), which closes that gap.
        if (joinWaitedForChanges(channel)) changesFlow = true;
        becomeReadyIfPossible();
      } else {
        fail(`${table}: ${status}${err ? ` (${err.message})` : ''}`);
      }
    });

  return {
    table,
    get ready() {
      return ready && !disposed;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      ready = false;
      void client.removeChannel(channel);
    },
  };
}

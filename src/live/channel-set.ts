import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveEngineOptions } from './engine-options';
import type { LiveEnvironment, TimerHandle } from './environment';
import type { LiveTable } from './parse-change';
import { openTableChannel, type TableChannel } from './table-channel';

export interface ChannelSetDeps {
  client: AppSupabaseClient;
  env: LiveEnvironment;
  opts: Pick<LiveEngineOptions, 'channelReadyTimeoutMs' | 'reconnectDelaysMs'>;
  jittered(ms: number): number;
  onChange(payload: unknown): void;
  onReady(table: LiveTable): void;
  onResubscribed(table: LiveTable): void;
  /** the table's channel is gone (already removed); a reconnect is scheduled */
  onFailure(table: LiveTable, reason: string, tokenProblem: boolean): void;
  onReconnectAttempt(): void;
  /** runs before every reopen (fresh token for realtime); false = try again later */
  prepare(): Promise<boolean>;
}

/** The per-table channels, their readiness watchdogs and the backoff that brings them back. */
export function createChannelSet(deps: ChannelSetDeps) {
  const { env, opts } = deps;
  const channels = new Map<LiveTable, TableChannel>();
  const watchdogs = new Map<LiveTable, TimerHandle>();
  const reconnectTimers = new Map<LiveTable, TimerHandle>();
  const attempts = new Map<LiveTable, number>();
  /** bumped by closeAll(): reconnects already under way are dropped */
  let generation = 0;

  const clearWatchdog = (table: LiveTable) => {
    const timer = watchdogs.get(table);
    if (timer !== undefined) env.clearTimeout(timer);
    watchdogs.delete(table);
  };

  function close(table: LiveTable) {
    channels.get(table)?.dispose();
    channels.delete(table);
    clearWatchdog(table);
  }

  function failed(table: LiveTable, channel: TableChannel, reason: string, tokenProblem: boolean) {
    if (channels.get(table) !== channel) return;
    close(table);
    scheduleReconnect(table);
    deps.onFailure(table, reason, tokenProblem);
  }

  function open(table: LiveTable) {
    if (channels.has(table)) return;
    const channel = openTableChannel(deps.client, table, {
      onChange: deps.onChange,
      onReady: () => {
        clearWatchdog(table);
        attempts.delete(table);
        deps.onReady(table);
      },
      onResubscribed: () => deps.onResubscribed(table),
      onFailure: (reason, tokenProblem) => failed(table, channel, reason, tokenProblem),
    });
    channels.set(table, channel);
    watchdogs.set(
      table,
      env.setTimeout(() => {
        watchdogs.delete(table);
        if (channels.get(table) === channel && !channel.ready) failed(table, channel, `${table}: subscription not confirmed`, false);
      }, opts.channelReadyTimeoutMs),
    );
  }

  function scheduleReconnect(table: LiveTable, immediate = false) {
    if (reconnectTimers.has(table) || channels.has(table)) return;
    const attempt = attempts.get(table) ?? 0;
    attempts.set(table, attempt + 1);
    const delays = opts.reconnectDelaysMs;
    const delay = immediate ? 0 : deps.jittered(delays[Math.min(attempt, delays.length - 1)] ?? 1_000);
    deps.onReconnectAttempt();
    const myGeneration = generation;
    reconnectTimers.set(
      table,
      env.setTimeout(async () => {
        reconnectTimers.delete(table);
        const ok = await deps.prepare();
        if (generation !== myGeneration || channels.has(table)) return;
        if (ok) open(table);
        else scheduleReconnect(table);
      }, delay),
    );
  }

  return {
    open(tables: readonly LiveTable[]) {
      for (const table of tables) open(table);
    },
    allReady(tables: readonly LiveTable[]): boolean {
      return tables.every((t) => channels.get(t)?.ready === true);
    },
    scheduleReconnect,
    /** the tables without a channel reconnect at once, backoff reset (back online, woke up) */
    reconnectNow(tables: readonly LiveTable[]) {
      for (const table of tables) {
        if (channels.has(table)) continue;
        const timer = reconnectTimers.get(table);
        if (timer !== undefined) env.clearTimeout(timer);
        reconnectTimers.delete(table);
        attempts.delete(table);
        scheduleReconnect(table, true);
      }
    },
    /** the tables with neither a channel nor a pending reconnect get one (with backoff) */
    ensureReconnecting(tables: readonly LiveTable[]) {
      for (const table of tables) scheduleReconnect(table);
    },
    closeAll() {
      generation += 1;
      for (const table of [...channels.keys()]) close(table);
      for (const timer of reconnectTimers.values()) env.clearTimeout(timer);
      reconnectTimers.clear();
      attempts.clear();
    },
  };
}

export type ChannelSet = ReturnType<typeof createChannelSet>;

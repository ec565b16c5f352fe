import type { LiveEngineOptions } from './engine-options';
import type { ChannelKey, LiveChannel, LiveChannelHandlers } from './transport/transport';
import type { LiveEnvironment, TimerHandle } from './types';

export interface ChannelSetDeps {
  /** opens the channel for a key; the set owns it until dispose() */
  openChannel(key: ChannelKey, handlers: LiveChannelHandlers): LiveChannel;
  env: LiveEnvironment;
  opts: Pick<LiveEngineOptions, 'channelReadyTimeoutMs' | 'reconnectDelaysMs'>;
  jittered(ms: number): number;
  /** a payload on `key`'s channel */
  onChange(key: ChannelKey, payload: unknown): void;
  onReady(key: ChannelKey): void;
  onResubscribed(key: ChannelKey): void;
  /** the key's channel is gone (already removed); a reconnect is scheduled */
  onFailure(key: ChannelKey, reason: string, tokenProblem: boolean): void;
  onReconnectAttempt(): void;
  /** runs before every reopen (fresh token for realtime); false = try again later */
  prepare(): Promise<boolean>;
}

/** The channels (one per key of the transport's topics), their readiness watchdogs and the backoff that brings them back. */
export function createChannelSet(deps: ChannelSetDeps) {
  const { env, opts } = deps;
  const channels = new Map<ChannelKey, LiveChannel>();
  const watchdogs = new Map<ChannelKey, TimerHandle>();
  const reconnectTimers = new Map<ChannelKey, TimerHandle>();
  const attempts = new Map<ChannelKey, number>();
  /** bumped by closeAll(): reconnects already under way are dropped */
  let generation = 0;

  const clearWatchdog = (key: ChannelKey) => {
    const timer = watchdogs.get(key);
    if (timer !== undefined) env.clearTimeout(timer);
    watchdogs.delete(key);
  };

  function close(key: ChannelKey) {
    channels.get(key)?.dispose();
    channels.delete(key);
    clearWatchdog(key);
  }

  function failed(key: ChannelKey, channel: LiveChannel, reason: string, tokenProblem: boolean) {
    if (channels.get(key) !== channel) return;
    close(key);
    scheduleReconnect(key);
    deps.onFailure(key, reason, tokenProblem);
  }

  function open(key: ChannelKey) {
    if (channels.has(key)) return;
    const channel = deps.openChannel(key, {
      onChange: (payload) => deps.onChange(key, payload),
      onReady: () => {
        clearWatchdog(key);
        attempts.delete(key);
        deps.onReady(key);
      },
      onResubscribed: () => deps.onResubscribed(key),
      onFailure: (reason, tokenProblem) => failed(key, channel, reason, tokenProblem),
    });
    channels.set(key, channel);
    watchdogs.set(
      key,
      env.setTimeout(() => {
        watchdogs.delete(key);
        if (channels.get(key) === channel && !channel.ready) failed(key, channel, `${key}: subscription not confirmed`, false);
      }, opts.channelReadyTimeoutMs),
    );
  }

  function scheduleReconnect(key: ChannelKey, immediate = false) {
    if (reconnectTimers.has(key) || channels.has(key)) return;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const delays = opts.reconnectDelaysMs;
    const delay = immediate ? 0 : deps.jittered(delays[Math.min(attempt, delays.length - 1)] ?? 1_000);
    deps.onReconnectAttempt();
    const myGeneration = generation;
    reconnectTimers.set(
      key,
      env.setTimeout(async () => {
        reconnectTimers.delete(key);
        const ok = await deps.prepare();
        if (generation !== myGeneration || channels.has(key)) return;
        if (ok) open(key);
        else scheduleReconnect(key);
      }, delay),
    );
  }

  return {
    open(keys: readonly ChannelKey[]) {
      for (const key of keys) open(key);
    },
    allReady(keys: readonly ChannelKey[]): boolean {
      return keys.every((t) => channels.get(t)?.ready === true);
    },
    scheduleReconnect,
    /** the keys without a channel reconnect at once, backoff reset (back online, woke up) */
    reconnectNow(keys: readonly ChannelKey[]) {
      for (const key of keys) {
        if (channels.has(key)) continue;
        const timer = reconnectTimers.get(key);
        if (timer !== undefined) env.clearTimeout(timer);
        reconnectTimers.delete(key);
        attempts.delete(key);
        scheduleReconnect(key, true);
      }
    },
    /** the keys with neither a channel nor a pending reconnect get one (with backoff) */
    ensureReconnecting(keys: readonly ChannelKey[]) {
      for (const key of keys) scheduleReconnect(key);
    },
    closeAll() {
      generation += 1;
      for (const key of [...channels.keys()]) close(key);
      for (const timer of reconnectTimers.values()) env.clearTimeout(timer);
      reconnectTimers.clear();
      attempts.clear();
    },
  };
}

export type ChannelSet = ReturnType<typeof createChannelSet>;

export interface Limits {
  /** `max_channels_per_client` (Realtime default 100). */
  maxChannelsPerClient: number;
  /** `max_joins_per_second` per socket; over it the join fails and the socket is disconnected. */
  maxJoinsPerSecond: number;
  /** `max_concurrent_users`: further upgrades get 429. */
  maxConnections: number;
  /** Largest accepted WebSocket message (Realtime's endpoint allows 5 000 000 bytes). */
  maxFrameBytes: number;
  /** A client whose unsent data exceeds this is dropped rather than buffered without bound. */
  maxBufferedBytes: number;
  /** postgres_changes bindings accepted in one join (a local cap; see join-payload.ts). */
  maxBindingsPerChannel: number;
  /** Largest JSON size of one binding's params. */
  maxBindingBytes: number;
  /** Deepest nesting accepted in a join payload. */
  maxJoinDepth: number;
  /** `max_payload_size_in_kb` (3000 KB) plus the 500 B Realtime allows on top, per broadcast. */
  maxBroadcastPayloadBytes: number;
  /** Delay before join error replies (CHANNEL_ERROR_BACKOFF_MS, 5000 on Supabase). */
  joinErrorDelayMs: number;
  /** Delay before refusing an upgrade (CONNECT_ERROR_BACKOFF_MS, 2000 on Supabase). */
  connectErrorDelayMs: number;
  /** Sockets silent for this long are closed (Phoenix websocket timeout). */
  idleTimeoutMs: number;
  /** Poll fallback in case a NOTIFY is missed. */
  pollIntervalMs: number;
  /** Changes read per drain query. */
  batchSize: number;
  /** `poll_max_record_bytes`: larger records are trimmed and carry Error 413. */
  maxRecordBytes: number;
  /** Delay before re-subscribing after an access_token refresh (Realtime waits 1–3 s). */
  resubscribeDelayMs: number;
  /** How often realtime.messages older than 72 hours are deleted. */
  messageCleanupIntervalMs: number;
  /** Upper bound between token expiry checks while joined (Realtime: 5 minutes). */
  tokenCheckMaxMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxChannelsPerClient: 100,
  maxJoinsPerSecond: 100,
  maxConnections: 1000,
  maxFrameBytes: 5_000_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxBindingsPerChannel: 100,
  maxBindingBytes: 64 * 1024,
  maxJoinDepth: 32,
  maxBroadcastPayloadBytes: 3000 * 1024 + 500,
  joinErrorDelayMs: 5000,
  connectErrorDelayMs: 2000,
  idleTimeoutMs: 60_000,
  pollIntervalMs: 150,
  batchSize: 500,
  maxRecordBytes: 1_048_576,
  resubscribeDelayMs: 1000,
  tokenCheckMaxMs: 5 * 60_000,
  messageCleanupIntervalMs: 60 * 60_000,
};

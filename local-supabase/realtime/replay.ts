import type { Queryable } from '../db/types.ts';

// `config.broadcast.replay` ({ since, limit }) of a private channel's join, as Realtime reads it
// (realtime_channel.ex maybe_replay_messages, Realtime.Messages.replay): `since` is a Unix time in
// milliseconds and required; `limit` defaults to 25 and is clamped to 1..25. Messages are kept 72 h.

export const REPLAY_HARD_LIMIT = 25;

export type ReplayRequest = { kind: 'none' } | { kind: 'invalid' } | { kind: 'replay'; since: number; limit: number };

export const REPLAY_PUBLIC_REASON = 'UnableToReplayMessages: Replay is not allowed for public channels';
export const REPLAY_INVALID_REASON = 'UnableToReplayMessages: Replay params are not valid';
export const REPLAY_FAILED_REASON = 'UnableToReplayMessages: Realtime was unable to replay messages';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function readReplay(payload: unknown): ReplayRequest {
  const broadcast = (payload as { config?: { broadcast?: unknown } } | null)?.config?.broadcast;
  if (typeof broadcast !== 'object' || broadcast === null || !('replay' in broadcast)) return { kind: 'none' };
  const replay = (broadcast as { replay?: unknown }).replay;
  if (typeof replay !== 'object' || replay === null || Array.isArray(replay)) return { kind: 'invalid' };
  const { since, limit } = replay as { since?: unknown; limit?: unknown };
  if (!isInt(since) || since < 0) return { kind: 'invalid' };
  if (limit !== undefined && limit !== null && !isInt(limit)) return { kind: 'invalid' };
  const n = isInt(limit) ? limit : REPLAY_HARD_LIMIT;
  return { kind: 'replay', since, limit: Math.max(1, Math.min(REPLAY_HARD_LIMIT, n)) };
}

export interface ReplayedMessage {
  id: string;
  event: string;
  payloadJson: string;
}

/** The newest `limit` private broadcast messages of the topic since `since`, oldest first. */
export async function loadReplay(db: Queryable, subTopic: string, since: number, limit: number): Promise<ReplayedMessage[]> {
  const { rows } = await db.query<{ id: string; event: string | null; payload: string | null }>(
    'select id, event, payload from _realtime.replay($1, $2::bigint, $3)',
    [subTopic, since, limit],
  );
  return rows.map((r) => ({ id: r.id, event: r.event ?? '', payloadJson: r.payload ?? 'null' }));
}

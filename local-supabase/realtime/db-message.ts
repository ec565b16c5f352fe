// A realtime.messages row as the capture trigger records it (to_jsonb of the row), read at the edge
// into what a broadcast from the database needs. As Realtime's replication handler, a row without
// topic, event or id is not delivered; the payload travels as the JSON text that was stored.

export interface DbMessage {
  id: string;
  topic: string;
  event: string;
  private: boolean;
  /** The payload as JSON text ('null' when the column is NULL). */
  payloadJson: string;
}

export function readDbMessage(record: Record<string, unknown> | null): DbMessage | null {
  if (!record) return null;
  const { id, topic, event, payload } = record;
  if (typeof id !== 'string' || typeof topic !== 'string' || typeof event !== 'string') return null;
  return { id, topic, event, private: record.private === true, payloadJson: JSON.stringify(payload ?? null) };
}

/** What decides whether one joined channel gets a broadcast. */
export interface MemberState {
  closed: boolean;
  private: boolean;
  /** Private channels: the read policy's verdict (null = not authorized / not evaluated). */
  broadcastRead: boolean | null;
  replayedIds: ReadonlySet<string>;
}

/**
 * A message for topic T goes to the members of T whose channel has the same privacy (Supabase keeps
 * public and private topics apart) and, when private, passed the broadcast read policy; a message
 * already sent by this member's replay is not sent again (MessageDispatcher).
 */
export function receives(member: MemberState, msg: { id?: string; private: boolean }): boolean {
  if (member.closed || member.private !== msg.private) return false;
  if (member.private && member.broadcastRead !== true) return false;
  return msg.id === undefined || !member.replayedIds.has(msg.id);
}

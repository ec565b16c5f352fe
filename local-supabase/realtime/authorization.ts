import type { JwtClaims } from '../auth/keys.ts';

// Realtime Authorization decides who may join a private channel (`config.private: true`) with RLS
// SELECT policies on realtime.messages. The local stack has no realtime.messages yet, so every
// private join is refused with Supabase's exact reason, as a project without read policies is.
// A policy check replaces `authorizePrivateChannel` later; callers already await a verdict.

export interface ChannelAuthRequest {
  /** The channel name without `realtime:` (what Supabase puts in the message). */
  subTopic: string;
  role: string;
  claims: JwtClaims;
}

export type ChannelAuthVerdict = { ok: true } | { ok: false; reason: string };

export const readDeniedReason = (subTopic: string): string =>
  `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`;

export async function authorizePrivateChannel(req: ChannelAuthRequest): Promise<ChannelAuthVerdict> {
  return { ok: false, reason: readDeniedReason(req.subTopic) };
}

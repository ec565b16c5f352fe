import type { JwtClaims } from '../auth/keys.ts';
import type { Queryable } from '../db/types.ts';

// Realtime Authorization: who may join a private channel (`config.private: true`) and broadcast on it
// is decided by the RLS policies on realtime.messages, evaluated as the JWT's role with
// request.jwt.claims and realtime.topic set (_realtime.channel_access in capture.sql, after
// Realtime.Tenants.Authorization). A policy that fails counts as a refusal, as on Supabase.

export interface ChannelAuthRequest {
  /** The channel name without `realtime:` (what Supabase puts in the message and in realtime.topic). */
  subTopic: string;
  role: string;
  claims: JwtClaims;
  /** Presence read is evaluated too when the join enabled presence. */
  presence?: boolean;
}

/** What a private channel's member may do; null = not evaluated yet. */
export interface ChannelPolicies {
  broadcastRead: boolean;
  presenceRead: boolean | null;
  broadcastWrite: boolean | null;
}

export type ChannelAuthVerdict = { ok: true; policies: ChannelPolicies } | { ok: false; reason: string };

export const readDeniedMessage = (subTopic: string): string =>
  `You do not have permissions to read from this Channel topic: ${subTopic}`;

export const readDeniedReason = (subTopic: string): string => `Unauthorized: ${readDeniedMessage(subTopic)}`;

export const readRevokedMessage = (subTopic: string): string =>
  `You no longer have permission to read from this Channel topic: ${subTopic}`;

export interface Authorizer {
  /** The join check: read policies; refused unless broadcast or presence may be read. */
  authorizeRead(req: ChannelAuthRequest): Promise<ChannelAuthVerdict>;
  /** Whether the member may broadcast (INSERT policies for extension 'broadcast'). */
  canWrite(req: ChannelAuthRequest): Promise<boolean>;
}

type Access = Record<string, boolean> & { error?: never };

async function access(db: Queryable, req: ChannelAuthRequest, write: boolean, extensions: string[]): Promise<Access | string> {
  const { rows } = await db.query<{ v: unknown }>(
    'select _realtime.channel_access($1, $2, $3, $4, $5::text[]) as v',
    [req.role, JSON.stringify(req.claims), req.subTopic, write, extensions],
  );
  const raw = rows[0]?.v;
  const v = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') return 'no answer';
  if (typeof v.error === 'string') return v.error;
  const out: Record<string, boolean> = {};
  for (const e of extensions) out[e] = v[e] === true;
  return out as Access;
}

export function createAuthorizer(db: Queryable, log: (msg: string) => void): Authorizer {
  return {
    async authorizeRead(req) {
      const extensions = req.presence ? ['broadcast', 'presence'] : ['broadcast'];
      const res = await access(db, req, false, extensions);
      if (typeof res === 'string') {
        log(`realtime: RlsPolicyError on ${req.subTopic}: ${res}`);
        return { ok: false, reason: readDeniedReason(req.subTopic) };
      }
      const policies: ChannelPolicies = {
        broadcastRead: res.broadcast === true,
        presenceRead: req.presence ? res.presence === true : null,
        broadcastWrite: null,
      };
      if (!policies.broadcastRead && policies.presenceRead !== true) return { ok: false, reason: readDeniedReason(req.subTopic) };
      return { ok: true, policies };
    },
    async canWrite(req) {
      const res = await access(db, req, true, ['broadcast']);
      if (typeof res === 'string') {
        log(`realtime: RlsPolicyError on ${req.subTopic}: ${res}`);
        return false;
      }
      return res.broadcast === true;
    },
  };
}

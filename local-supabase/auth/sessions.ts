import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** GoTrue's refresh tokens are short random alphanumeric strings (models/refresh_token.go). */
export function newRefreshToken(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export interface RefreshTokenRow {
  id: number;
  token: string;
  user_id: string;
  revoked: boolean;
  parent: string | null;
  session_id: string;
  /** Seconds since the row last changed (for revoked tokens: since they were revoked). */
  age_sec: number;
  /** Epoch seconds when the session started (the amr timestamp). */
  session_started: number;
}

export async function createSession(tx: Queryable, userId: string): Promise<{ sessionId: string; token: string }> {
  const sessionId = randomUUID();
  const token = newRefreshToken();
  await tx.query(`insert into auth.sessions (id, user_id, created_at, updated_at) values ($1, $2, now(), now())`, [
    sessionId,
    userId,
  ]);
  await tx.query(
    `insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, session_id)
     values ($1, $2, false, now(), now(), $3)`,
    [token, userId, sessionId],
  );
  return { sessionId, token };
}

export async function findRefreshToken(tx: Queryable, token: string): Promise<RefreshTokenRow | null> {
  const { rows } = await tx.query<RefreshTokenRow>(
    `select rt.id, rt.token, rt.user_id, coalesce(rt.revoked, false) as revoked, rt.parent, rt.session_id,
            extract(epoch from clock_timestamp() - rt.updated_at)::float8 as age_sec,
            extract(epoch from s.created_at)::int4 as session_started
       from auth.refresh_tokens rt join auth.sessions s on s.id = rt.session_id
      where rt.token = $1
      for update of rt`,
    [token],
  );
  return rows[0] ?? null;
}

/** The newest unrevoked token of a session, if any. */
export async function activeToken(tx: Queryable, sessionId: string): Promise<RefreshTokenRow | null> {
  const { rows } = await tx.query<RefreshTokenRow>(
    `select id, token, user_id, false as revoked, parent, session_id, 0::float8 as age_sec, 0 as session_started
       from auth.refresh_tokens where session_id = $1 and not coalesce(revoked, false)
      order by id desc limit 1`,
    [sessionId],
  );
  return rows[0] ?? null;
}

/** Revokes `parent` and issues its child in the same session (rotation). */
export async function rotate(tx: Queryable, parent: RefreshTokenRow): Promise<string> {
  const token = newRefreshToken();
  await tx.query(`update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`, [parent.id]);
  await tx.query(
    `insert into auth.refresh_tokens (token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ($1, $2, false, now(), now(), $3, $4)`,
    [token, parent.user_id, parent.token, parent.session_id],
  );
  await tx.query(`update auth.sessions set updated_at = now(), refreshed_at = now() where id = $1`, [parent.session_id]);
  return token;
}

export async function revokeFamily(tx: Queryable, sessionId: string): Promise<void> {
  await tx.query(`update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1`, [sessionId]);
}

export async function sessionExists(tx: Queryable, sessionId: string): Promise<boolean> {
  const { rows } = await tx.query(`select 1 from auth.sessions where id = $1`, [sessionId]);
  return rows.length > 0;
}

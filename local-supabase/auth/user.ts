import type { Queryable } from '../db/types.ts';

/** A row of auth.users as `to_jsonb(u)` returns it (only the columns this stack reads). */
export interface AuthUserRow {
  id: string;
  aud?: string | null;
  role?: string | null;
  email?: string | null;
  phone?: string | null;
  encrypted_password?: string | null;
  email_confirmed_at?: string | null;
  phone_confirmed_at?: string | null;
  confirmed_at?: string | null;
  confirmation_sent_at?: string | null;
  recovery_sent_at?: string | null;
  last_sign_in_at?: string | null;
  raw_app_meta_data?: Record<string, unknown> | null;
  raw_user_meta_data?: Record<string, unknown> | null;
  created_at?: string | null;
  updated_at?: string | null;
  banned_until?: string | null;
  deleted_at?: string | null;
  is_anonymous?: boolean | null;
}

export type UserJson = Record<string, unknown>;

/** GoTrue's user object (internal/models/user.go): fixed keys always, timestamps only when set. */
export function toUserJson(row: AuthUserRow, identities: unknown[]): UserJson {
  const user: UserJson = {
    id: row.id,
    aud: row.aud || 'authenticated',
    role: row.role || 'authenticated',
    email: row.email ?? '',
  };
  setIf(user, 'email_confirmed_at', row.email_confirmed_at);
  user.phone = row.phone ?? '';
  setIf(user, 'phone_confirmed_at', row.phone_confirmed_at);
  setIf(user, 'confirmation_sent_at', row.confirmation_sent_at);
  setIf(user, 'confirmed_at', row.confirmed_at ?? row.email_confirmed_at ?? row.phone_confirmed_at);
  setIf(user, 'recovery_sent_at', row.recovery_sent_at);
  setIf(user, 'last_sign_in_at', row.last_sign_in_at);
  user.app_metadata = appMetadata(row);
  user.user_metadata = row.raw_user_meta_data ?? {};
  user.identities = identities;
  user.created_at = row.created_at ?? null;
  user.updated_at = row.updated_at ?? null;
  setIf(user, 'banned_until', row.banned_until);
  setIf(user, 'deleted_at', row.deleted_at);
  user.is_anonymous = row.is_anonymous ?? false;
  return user;
}

export function appMetadata(row: AuthUserRow): Record<string, unknown> {
  return row.raw_app_meta_data ?? { provider: 'email', providers: ['email'] };
}

function setIf(target: UserJson, key: string, value: string | null | undefined): void {
  if (value) target[key] = value;
}

export async function loadUser(tx: Queryable, by: 'id' | 'email', value: string): Promise<AuthUserRow | null> {
  if (by === 'id' && !/^[0-9a-f-]{36}$/i.test(value)) return null;
  const where = by === 'id' ? 'u.id = $1::uuid' : 'lower(u.email) = lower($1)';
  const { rows } = await tx.query<{ u: AuthUserRow }>(`select to_jsonb(u) as u from auth.users u where ${where} limit 1`, [value]);
  return rows[0]?.u ?? null;
}

export async function loadIdentities(tx: Queryable, userId: string): Promise<unknown[]> {
  return (await identitiesByUser(tx, [userId])).get(userId) ?? [];
}

/** The identities of several users in one query, in GoTrue's JSON shape, keyed by user id. */
export async function identitiesByUser(tx: Queryable, userIds: string[]): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  if (userIds.length === 0) return out;
  const exists = await tx.query<{ ok: boolean }>(`select to_regclass('auth.identities') is not null as ok`);
  if (!exists.rows[0]?.ok) return out;
  // GoTrue renames the row id to identity_id and the provider's id to id (models/identity.go).
  const { rows } = await tx.query<{ i: Record<string, unknown> }>(
    `select to_jsonb(i) as i from auth.identities i where i.user_id = any($1::uuid[]) order by i.created_at, i.id`,
    [userIds],
  );
  for (const { i } of rows) {
    const userId = String(i.user_id);
    const list = out.get(userId) ?? [];
    list.push({
      identity_id: i.id,
      id: i.provider_id,
      user_id: i.user_id,
      identity_data: i.identity_data,
      provider: i.provider,
      last_sign_in_at: i.last_sign_in_at,
      created_at: i.created_at,
      updated_at: i.updated_at,
      email: i.email,
    });
    out.set(userId, list);
  }
  return out;
}

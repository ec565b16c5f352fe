import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.ts';
import type { AuthUserRow } from './user.ts';
import { loadUser } from './user.ts';

/** GoTrue keeps every user of a single-tenant instance under the nil instance id. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface NewUser {
  id?: string;
  aud: string;
  role: string;
  email: string | null;
  phone: string | null;
  encryptedPassword: string;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  emailConfirmed: boolean;
  phoneConfirmed: boolean;
  bannedUntil?: Date | null;
  /** A hash standing for the mailed confirmation token, with confirmation_sent_at = now(). */
  confirmationToken?: string;
}

/** Inserts a user as GoTrue's models.NewUser + tx.Create do (empty token columns are '', not NULL). */
export async function insertUser(tx: Queryable, u: NewUser): Promise<AuthUserRow> {
  const id = u.id ?? randomUUID();
  await tx.query(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password, email_confirmed_at, phone_confirmed_at,
       confirmation_token, confirmation_sent_at, recovery_token, email_change_token_new, email_change,
       raw_app_meta_data, raw_user_meta_data, banned_until, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, case when $8 then now() end, case when $9 then now() end,
       coalesce($10, ''), case when $10::text is not null then now() end, '', '', '',
       $11::jsonb, $12::jsonb, $13, now(), now())`,
    [
      NIL_UUID,
      id,
      u.aud,
      u.role,
      u.email,
      u.phone,
      u.encryptedPassword,
      u.emailConfirmed,
      u.phoneConfirmed,
      u.confirmationToken ?? null,
      JSON.stringify(u.appMetadata),
      JSON.stringify(u.userMetadata),
      u.bannedUntil ?? null,
    ],
  );
  return (await loadUser(tx, 'id', id))!;
}

/** An identity row (models.NewIdentity): provider_id is the `sub` of its data. */
export async function insertIdentity(tx: Queryable, userId: string, provider: string, data: Record<string, unknown>): Promise<void> {
  await tx.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3::jsonb, $4, now(), now(), now())`,
    [String(data.sub ?? userId), userId, JSON.stringify(data), provider],
  );
}

/** Merges into an identity's data, as Identity.UpdateIdentityData (null deletes a key). */
export async function mergeIdentityData(tx: Queryable, userId: string, provider: string, updates: Record<string, unknown>): Promise<boolean> {
  const { rows } = await tx.query(
    `update auth.identities set identity_data = jsonb_strip_nulls(identity_data || $3::jsonb), updated_at = now()
      where user_id = $1 and provider = $2 returning id`,
    [userId, provider, JSON.stringify(updates)],
  );
  return rows.length > 0;
}

/** GoTrue's UpdateUserMetaData/UpdateAppMetaData: keys merged one level deep, a null value deletes its key. */
export function mergeMetadata(base: Record<string, unknown> | null | undefined, updates: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(updates)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Sets columns of one user; `now()` for a value of the NOW marker. */
export const NOW = Symbol('now');
export async function updateUser(tx: Queryable, id: string, columns: Record<string, unknown>): Promise<void> {
  const sets: string[] = ['updated_at = now()'];
  const params: unknown[] = [id];
  for (const [col, value] of Object.entries(columns)) {
    if (!/^[a-z_]+$/.test(col)) throw new Error(`bad column ${col}`);
    if (value === NOW) sets.push(`${col} = now()`);
    else {
      params.push(value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value);
      sets.push(`${col} = $${params.length}`);
    }
  }
  await tx.query(`update auth.users set ${sets.join(', ')} where id = $1`, params);
}

/** Ends every session of a user (models.Logout). */
export async function logoutAll(tx: Queryable, userId: string): Promise<void> {
  await tx.query('delete from auth.sessions where user_id = $1', [userId]);
}

import type { Db, Queryable } from '../db/types.ts';
import { isDbError } from '../db/types.ts';
import { jwtRestError, RestError, restErrorFromDb } from './errors.ts';
import type { JwtClaims, Keys } from '../auth/keys.ts';
import { JwtError } from '../auth/keys.ts';

export interface RequestAuth {
  role: string;
  /** The claims PostgREST exposes as request.jwt.claims (with `role` inserted). */
  claims: JwtClaims;
}

/**
 * Which JWT a request carries, as the CLI's gateway and PostgREST decide it: the Bearer token,
 * or the apikey when there is no Bearer (or it is an `sb_` key); none means the anon role.
 */
export async function authenticate(keys: Keys, authorization: string | undefined, apikey: string | undefined): Promise<RequestAuth> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  const token = bearer && !bearer.startsWith('sb_') ? bearer : bearer ? keys.toJwt(bearer) : apikey ? keys.toJwt(apikey) : undefined;
  if (!token) return { role: 'anon', claims: { role: 'anon' } };
  try {
    const claims = await keys.verify(token, { clockToleranceSec: 30 });
    const role = typeof claims.role === 'string' && claims.role ? claims.role : 'anon';
    return { role, claims: { ...claims, role } };
  } catch (err) {
    if (err instanceof JwtError) throw jwtRestError(err.reason === 'expired' ? 'expired' : 'invalid', err.message);
    throw err;
  }
}

/**
 * A JWT may name any role, but PostgREST (connected as authenticator) can only switch to the roles
 * granted to it; the database refuses the rest with 42501 (or 22023 when the role does not exist).
 */
export function checkRole(auth: RequestAuth, canSwitchTo: (role: string) => boolean): void {
  if (canSwitchTo(auth.role)) return;
  throw new RestError(auth.role === 'anon' ? 401 : 403, '42501', `permission denied to set role "${auth.role}"`);
}

export interface RequestContext {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * Runs fn in one transaction as the request's role with PostgREST's GUCs set; read-only when asked.
 * Database errors become PostgREST errors (42501 → 401 for anon, 403 otherwise, …).
 */
export async function asRole<T>(
  db: Db,
  auth: RequestAuth,
  ctx: RequestContext,
  readOnly: boolean,
  fn: (tx: Queryable) => Promise<T>,
  roleSettings: [string, string][] = [],
): Promise<T> {
  const params: unknown[] = [auth.role, JSON.stringify(auth.claims), ctx.method, ctx.path, JSON.stringify(ctx.headers)];
  const extra = roleSettings.map(([key, value]) => `, set_config($${params.push(key)}, $${params.push(value)}, true)`).join('');
  try {
    return await db.transaction(async (tx) => {
      if (readOnly) await tx.query('set transaction read only');
      try {
        await tx.query(
          `select set_config('search_path', 'public, extensions', true), set_config('role', $1, true),
                  set_config('request.jwt.claims', $2, true), set_config('request.method', $3, true),
                  set_config('request.path', $4, true), set_config('request.headers', $5, true)${extra}`,
          params,
        );
      } catch (err) {
        // An unknown role in the JWT is an authentication failure in PostgREST.
        if (isDbError(err)) throw new RestError(401, err.code, err.message, err.detail ?? null, err.hint ?? null);
        throw err;
      }
      return fn(tx);
    });
  } catch (err) {
    if (isDbError(err) && !(err instanceof RestError)) throw restErrorFromDb(err, auth.role);
    throw err;
  }
}

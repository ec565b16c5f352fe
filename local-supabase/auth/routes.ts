import bcrypt from 'bcryptjs';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Db, Queryable } from '../db/types.ts';
import { AUTH_API_VERSION, AuthError, authErrorBody } from './errors.ts';
import type { JwtClaims, Keys } from './keys.ts';
import { JwtError } from './keys.ts';
import type { AuthUserRow } from './user.ts';
import { appMetadata, loadIdentities, loadUser, toUserJson } from './user.ts';
import type { RefreshTokenRow } from './sessions.ts';
import { activeToken, createSession, findRefreshToken, revokeFamily, rotate, sessionExists } from './sessions.ts';

export interface AuthDeps {
  db: Db;
  keys: Keys;
  /** Access-token lifetime in seconds (GOTRUE_JWT_EXP; the CLI's default is 3600). */
  jwtExpirySec: number;
  /** A revoked refresh token may be replayed this long after rotation (CLI default 10 s). */
  refreshReuseIntervalSec: number;
}

/** GoTrue's password and refresh-token grants, /user and /logout, with its error shapes. */
export function createAuthRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  const { db, keys } = deps;

  app.onError((err, c) => {
    const apiVersion = c.req.header('X-Supabase-Api-Version');
    const authErr =
      err instanceof AuthError ? err : new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
    c.header('X-Supabase-Api-Version', AUTH_API_VERSION);
    c.header('x-sb-error-code', authErr.code);
    return c.json(authErrorBody(authErr, apiVersion), authErr.status as 400);
  });
  app.use(async (c, next) => {
    await next();
    c.header('X-Supabase-Api-Version', AUTH_API_VERSION);
  });

  app.get('/health', (c) => c.json({ version: 'local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }));
  app.get('/settings', (c) =>
    c.json({ external: { email: true, phone: false }, disable_signup: true, mailer_autoconfirm: true, phone_autoconfirm: false, sms_provider: '', saml_enabled: false }),
  );
  // Only the symmetric HS256 secret signs tokens here, and it is never published.
  app.get('/.well-known/jwks.json', (c) => c.json({ keys: [] }));
  app.post('/signup', () => {
    throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  });

  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    const body = await readJson(c);
    if (grant === 'password') return c.json(await passwordGrant(c, body));
    if (grant === 'refresh_token') return c.json(await refreshGrant(c, body));
    throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
  });

  app.get('/user', async (c) => {
    const claims = await requireUserJwt(c);
    return db.transaction(async (tx) => {
      if (typeof claims.session_id === 'string' && !(await sessionExists(tx, claims.session_id))) {
        throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
      }
      const user = await loadUser(tx, 'id', claims.sub ?? '');
      if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
      return c.json(toUserJson(user, await loadIdentities(tx, user.id)));
    });
  });

  app.post('/logout', async (c) => {
    const claims = await requireUserJwt(c);
    const scope = c.req.query('scope') ?? 'global';
    if (!['global', 'local', 'others'].includes(scope)) {
      throw new AuthError(400, 'validation_failed', 'Unsupported logout scope');
    }
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : null;
    await db.transaction(async (tx) => {
      if (sessionId && !(await sessionExists(tx, sessionId))) {
        throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
      }
      if (scope === 'local' && sessionId) {
        await tx.query('delete from auth.sessions where id = $1', [sessionId]);
      } else if (scope === 'others') {
        await tx.query('delete from auth.sessions where user_id = $1 and id is distinct from $2', [claims.sub, sessionId]);
      } else {
        await tx.query('delete from auth.sessions where user_id = $1', [claims.sub]);
      }
    });
    return c.body(null, 204);
  });

  async function passwordGrant(c: Context, body: Record<string, unknown>) {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!email && typeof body.phone !== 'string') throw new AuthError(400, 'validation_failed', 'missing email or phone');
    const invalid = new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
    return db.transaction(async (tx) => {
      const user = email ? await loadUser(tx, 'email', email) : null;
      // Same order of checks as GoTrue's ResourceOwnerPasswordGrant (api/token.go).
      if (!user || !user.encrypted_password || user.deleted_at) throw invalid;
      if (user.banned_until && Date.parse(user.banned_until) > Date.now()) throw new AuthError(400, 'user_banned', 'User is banned');
      if (!(await bcrypt.compare(password, user.encrypted_password))) throw invalid;
      if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');
      await tx.query('update auth.users set last_sign_in_at = now() where id = $1', [user.id]);
      const fresh = (await loadUser(tx, 'id', user.id)) ?? user;
      const { sessionId, token } = await createSession(tx, user.id);
      return session(c, tx, fresh, sessionId, token, Math.floor(Date.now() / 1000));
    });
  }

  async function refreshGrant(c: Context, body: Record<string, unknown>) {
    const presented = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    if (!presented) throw new AuthError(400, 'invalid_request', 'refresh_token required', true);
    // A failed reuse must still commit the family revocation, so the error is thrown after COMMIT.
    const outcome = await db.transaction(async (tx) => {
      const row = await findRefreshToken(tx, presented);
      if (!row) return { error: new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found') };
      const user = await loadUser(tx, 'id', row.user_id);
      if (!user || user.deleted_at) return { error: new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found') };
      if (user.banned_until && Date.parse(user.banned_until) > Date.now()) {
        return { error: new AuthError(400, 'user_banned', 'Invalid Refresh Token: User Banned') };
      }
      const token = await nextToken(tx, row);
      if (token === null) {
        await revokeFamily(tx, row.session_id);
        return { error: new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used') };
      }
      return { value: await session(c, tx, user, row.session_id, token, row.session_started) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * GoTrue's rotation rule (internal/tokens/service.go RefreshTokenGrant): a revoked token that is the
   * parent of the session's active token gets that active token back (the client lost the reply);
   * another revoked token is accepted only within the reuse interval, else null (reuse: revoke all).
   */
  async function nextToken(tx: Queryable, row: RefreshTokenRow): Promise<string | null> {
    if (!row.revoked) return rotate(tx, row);
    const active = await activeToken(tx, row.session_id);
    if (active && active.parent === row.token) return active.token;
    if (row.age_sec > deps.refreshReuseIntervalSec) return null;
    return rotate(tx, row);
  }

  async function session(c: Context, tx: Queryable, user: AuthUserRow, sessionId: string, refreshToken: string, authTime: number) {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + deps.jwtExpirySec;
    const claims: JwtClaims = {
      iss: `${new URL(c.req.url).origin}/auth/v1`,
      sub: user.id,
      aud: user.aud || 'authenticated',
      exp,
      iat,
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: appMetadata(user),
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role || 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: authTime }],
      session_id: sessionId,
      is_anonymous: user.is_anonymous ?? false,
    };
    return {
      access_token: await keys.sign(claims),
      token_type: 'bearer',
      expires_in: deps.jwtExpirySec,
      expires_at: exp,
      refresh_token: refreshToken,
      user: toUserJson(user, await loadIdentities(tx, user.id)),
    };
  }

  async function requireUserJwt(c: Context): Promise<JwtClaims> {
    const header = c.req.header('Authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
    let claims: JwtClaims;
    try {
      claims = await keys.verify(match[1]);
    } catch (err) {
      const detail = err instanceof JwtError && err.reason === 'expired' ? 'token has invalid claims: token is expired' : err instanceof Error ? err.message : 'invalid token';
      throw new AuthError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${detail}`);
    }
    if (!claims.sub) throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    return claims;
  }

  return app;
}

async function readJson(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch (err) {
    throw new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${err instanceof Error ? err.message : 'invalid JSON'}`);
  }
}

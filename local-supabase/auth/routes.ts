import bcrypt from 'bcryptjs';
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Queryable } from '../db/types.ts';
import { createAdminRoutes } from './admin.ts';
import type { AuthDeps } from './deps.ts';
import { AUTH_API_VERSION, AuthError, authErrorBody, rateLimited } from './errors.ts';
import type { JwtClaims } from './keys.ts';
import { weakPassword } from './password.ts';
import { createAuthLimiters } from './rate-limit.ts';
import { clientIp, readJson, verifyBearer } from './request.ts';
import type { RefreshTokenRow } from './sessions.ts';
import { activeToken, createSession, findRefreshToken, revokeFamily, rotate, sessionExists } from './sessions.ts';
import { signup } from './signup.ts';
import type { SessionIssue } from './tokens.ts';
import { sessionResponse } from './tokens.ts';
import { loadIdentities, loadUser, toUserJson } from './user.ts';

export type { AuthDeps } from './deps.ts';

/** GoTrue's sign-up, password and refresh-token grants, /user, /logout and /admin/users, with its error shapes. */
export function createAuthRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  const { db, keys, config } = deps;
  const limiters = createAuthLimiters(config.auth.rateLimit, deps.authRateLimit);

  app.onError((err, c) => {
    const apiVersion = c.req.header('X-Supabase-Api-Version');
    const authErr =
      err instanceof AuthError ? err : new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
    // the client only learns "unexpected failure"; the server's log says what happened
    if (authErr.status >= 500) console.error(`[auth] ${c.req.method} ${c.req.path}:`, authErr.cause ?? err);
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
    c.json({
      external: { anonymous_users: config.auth.enableAnonymousSignIns, email: config.auth.email.enabled, phone: false },
      disable_signup: !config.auth.enableSignup,
      mailer_autoconfirm: !config.auth.email.enableConfirmations,
      phone_autoconfirm: false,
      sms_provider: '',
      saml_enabled: false,
    }),
  );
  // Only the symmetric HS256 secret signs tokens here, and it is never published.
  app.get('/.well-known/jwks.json', (c) => c.json({ keys: [] }));
  // GoTrue's router (api/api.go): anonymous sign-ups are told apart first, then the IP limit applies.
  app.post('/signup', async (c) => {
    const body = await readJson(c);
    if (!body.email && !body.phone) throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
    if (!limiters.signup.take(clientIp(c))) throw rateLimited();
    return c.json(await signup(deps, body, issuer(c)));
  });

  // Every grant shares one limit ([auth.rate_limit] token_refresh), checked before the body is read (api/token.go).
  app.post('/token', async (c) => {
    const grant = c.req.query('grant_type');
    if (grant !== 'password' && grant !== 'refresh_token') throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');
    if (!limiters.token.take(clientIp(c))) throw rateLimited();
    const body = await readJson(c);
    return c.json(grant === 'password' ? await passwordGrant(c, body) : await refreshGrant(c, body));
  });

  app.route('/admin', createAdminRoutes(deps));

  app.get('/user', async (c) => {
    const claims = await requireUserJwt(c);
    return db.transaction(async (tx) => {
      // GoTrue's maybeLoadUserOrSession: the user first, then the session.
      const user = await requireUser(tx, claims);
      if (typeof claims.session_id === 'string' && !(await sessionExists(tx, claims.session_id))) {
        throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
      }
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
      await requireUser(tx, claims);
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
    if (email && !config.auth.email.enabled) throw new AuthError(422, 'email_provider_disabled', 'Email logins are disabled');
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
      const weak = weakPassword(password, { minLength: config.auth.minimumPasswordLength, requirements: config.auth.passwordRequirements });
      return session(c, tx, { user: fresh, sessionId, refreshToken: token, authTime: Math.floor(Date.now() / 1000), weakPassword: weak });
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
      return { value: await session(c, tx, { user, sessionId: row.session_id, refreshToken: token, authTime: row.session_started }) };
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

  function session(c: Context, tx: Queryable, s: Pick<SessionIssue, 'user' | 'sessionId' | 'refreshToken' | 'authTime' | 'weakPassword'>) {
    return sessionResponse(tx, { keys, jwtExpirySec: deps.jwtExpirySec, issuer: issuer(c), ...s });
  }

  async function requireUser(tx: Queryable, claims: JwtClaims) {
    const user = await loadUser(tx, 'id', claims.sub ?? '');
    if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    return user;
  }

  async function requireUserJwt(c: Context): Promise<JwtClaims> {
    const claims = await verifyBearer(c, keys);
    if (!claims.sub) throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
    return claims;
  }

  return app;
}

/** GOTRUE_JWT_ISSUER as the CLI sets it: the API URL the client used, plus /auth/v1. */
function issuer(c: Context): string {
  return `${new URL(c.req.url).origin}/auth/v1`;
}

import type { Queryable } from '../db/types.ts';
import type { JwtClaims, Keys } from './keys.ts';
import type { WeakPassword } from './password.ts';
import type { AuthUserRow } from './user.ts';
import { appMetadata, loadIdentities, toUserJson } from './user.ts';

export interface SessionIssue {
  keys: Keys;
  jwtExpirySec: number;
  /** GOTRUE_JWT_ISSUER: `<API URL>/auth/v1`. */
  issuer: string;
  user: AuthUserRow;
  sessionId: string;
  refreshToken: string;
  /** Epoch seconds when the session started (the amr timestamp). */
  authTime: number;
  weakPassword?: WeakPassword | null;
}

/** GoTrue's AccessTokenResponse (internal/tokens/service.go) with the access token's claims in Go struct order. */
export async function sessionResponse(tx: Queryable, s: SessionIssue): Promise<Record<string, unknown>> {
  const { user } = s;
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + s.jwtExpirySec;
  const claims: JwtClaims = {
    iss: s.issuer,
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
    amr: [{ method: 'password', timestamp: s.authTime }],
    session_id: s.sessionId,
    is_anonymous: user.is_anonymous ?? false,
  };
  return {
    access_token: await s.keys.sign(claims),
    token_type: 'bearer',
    expires_in: s.jwtExpirySec,
    expires_at: exp,
    refresh_token: s.refreshToken,
    user: toUserJson(user, await loadIdentities(tx, user.id)),
    ...(s.weakPassword ? { weak_password: s.weakPassword } : {}),
  };
}

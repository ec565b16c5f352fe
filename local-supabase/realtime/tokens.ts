import { decodeJwt } from 'jose';
import { JwtError, type JwtClaims, type Keys } from '../auth/keys.ts';

// Token checks with the messages Realtime uses (user_socket.ex connect/3, realtime_channel.ex join/3).

export type TokenFailure =
  | { kind: 'expired'; secondsAgo: number }
  | { kind: 'claims' }
  | { kind: 'malformed' }
  | { kind: 'signature' };

export type TokenCheck = { ok: true; claims: JwtClaims & { role: string; exp: number } } | { ok: false; failure: TokenFailure };

export async function checkToken(keys: Keys, token: string, nowSec = Date.now() / 1000): Promise<TokenCheck> {
  const jwt = keys.toJwt(token);
  let decoded: JwtClaims;
  try {
    decoded = decodeJwt(jwt) as JwtClaims;
  } catch {
    return { ok: false, failure: { kind: 'malformed' } };
  }
  try {
    await keys.verify(jwt);
  } catch (err) {
    if (err instanceof JwtError && err.reason === 'expired') {
      const exp = typeof decoded.exp === 'number' ? decoded.exp : nowSec;
      return { ok: false, failure: { kind: 'expired', secondsAgo: Math.max(0, Math.floor(nowSec - exp)) } };
    }
    if (err instanceof JwtError && err.reason === 'malformed') return { ok: false, failure: { kind: 'malformed' } };
    return { ok: false, failure: { kind: 'signature' } };
  }
  if (typeof decoded.role !== 'string' || typeof decoded.exp !== 'number') return { ok: false, failure: { kind: 'claims' } };
  if (decoded.exp <= nowSec) {
    return { ok: false, failure: { kind: 'expired', secondsAgo: Math.max(0, Math.floor(nowSec - decoded.exp)) } };
  }
  return { ok: true, claims: decoded as JwtClaims & { role: string; exp: number } };
}

/** The message Realtime puts in system errors and (with a code prefix) in join errors. */
export function failureMessage(f: TokenFailure): string {
  switch (f.kind) {
    case 'expired':
      return `Token has expired ${f.secondsAgo} seconds ago`;
    case 'claims':
      return 'Fields `role` and `exp` are required in JWT';
    case 'malformed':
      return 'The token provided is not a valid JWT';
    case 'signature':
      return 'Failed to validate JWT signature';
  }
}

export function joinErrorReason(f: TokenFailure): string {
  switch (f.kind) {
    case 'expired':
    case 'claims':
      return `InvalidJWTToken: ${failureMessage(f)}`;
    case 'malformed':
      return `MalformedJWT: ${failureMessage(f)}`;
    case 'signature':
      return `JwtSignatureError: ${failureMessage(f)}`;
  }
}

/** The refused-upgrade body of user_socket.ex: 401 with {"error": msg}. */
export function connectErrorMessage(f: TokenFailure): string {
  return f.kind === 'expired' ? 'Token has expired' : failureMessage(f);
}

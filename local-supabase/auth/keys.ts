import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

/** The values `supabase start` uses (supabase/cli apps/cli-go/pkg/config/apikeys.go). */
export const JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
export const ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
export const SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU';
export const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

export interface JwtClaims {
  role?: string;
  sub?: string;
  exp?: number;
  iat?: number;
  aud?: string | string[];
  [claim: string]: unknown;
}

export type JwtErrorReason = 'expired' | 'signature' | 'malformed' | 'claims';

/** Why a token was refused; each surface turns it into its own error body. */
export class JwtError extends Error {
  constructor(
    readonly reason: JwtErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'JwtError';
  }
}

export interface VerifyOptions {
  /** Seconds of leeway for exp/nbf/iat (PostgREST allows 30). */
  clockToleranceSec?: number;
}

export interface Keys {
  readonly jwtSecret: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  readonly publishableKey: string;
  readonly secretKey: string;
  /** HS256-signs the claims exactly as given (callers set iat/exp). */
  sign(claims: JwtClaims): Promise<string>;
  /** Verifies signature and exp; throws JwtError. `sb_` keys are mapped first. */
  verify(token: string, opts?: VerifyOptions): Promise<JwtClaims>;
  /** Maps `sb_publishable_…`/`sb_secret_…` to the anon/service_role JWT, like the CLI's gateway. */
  toJwt(keyOrToken: string): string;
}

export function createKeys(secret: string = JWT_SECRET): Keys {
  const keyBytes = new TextEncoder().encode(secret);
  const toJwt = (token: string): string => {
    if (token === PUBLISHABLE_KEY) return ANON_KEY;
    if (token === SECRET_KEY) return SERVICE_ROLE_KEY;
    return token;
  };
  return {
    jwtSecret: secret,
    anonKey: ANON_KEY,
    serviceRoleKey: SERVICE_ROLE_KEY,
    publishableKey: PUBLISHABLE_KEY,
    secretKey: SECRET_KEY,
    toJwt,
    async sign(claims) {
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(keyBytes);
    },
    async verify(token, opts = {}) {
      const jwt = toJwt(token);
      const parts = jwt.split('.').length;
      if (parts !== 3) throw new JwtError('malformed', `Expected 3 parts in JWT; got ${parts}`);
      try {
        const { payload } = await jwtVerify(jwt, keyBytes, {
          algorithms: ['HS256'],
          clockTolerance: opts.clockToleranceSec ?? 0,
        });
        return payload as JwtClaims;
      } catch (err) {
        throw toJwtError(err);
      }
    },
  };
}

function toJwtError(err: unknown): JwtError {
  if (err instanceof joseErrors.JWTExpired) return new JwtError('expired', 'JWT expired');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new JwtError('signature', 'JWT cryptographic operation failed');
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) return new JwtError('claims', err.message);
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return new JwtError('signature', 'No suitable key or wrong key type');
  return new JwtError('malformed', err instanceof Error ? err.message : 'JWT could not be decoded');
}

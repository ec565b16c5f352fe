import type { StackConfig } from '../config.ts';
import type { Db } from '../db/types.ts';
import type { Keys } from './keys.ts';
import type { AuthRateLimitOptions } from './rate-limit.ts';

export interface AuthDeps {
  db: Db;
  keys: Keys;
  /** supabase/config.toml ([auth], [auth.email], [auth.rate_limit]). */
  config: StackConfig;
  /** Access-token lifetime in seconds (GOTRUE_JWT_EXP; the CLI's default is 3600). */
  jwtExpirySec: number;
  /** A revoked refresh token may be replayed this long after rotation (CLI default 10 s). */
  refreshReuseIntervalSec: number;
  /** Window, bucket size and clock of the IP rate limits (defaults: GoTrue's 5 min and 30). */
  authRateLimit?: AuthRateLimitOptions;
}

export const DEFAULT_AUD = 'authenticated';

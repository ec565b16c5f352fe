/**
 * GoTrue's IP rate limits (internal/api/apilimiter): a token bucket per key (tollbooth over
 * golang.org/x/time/rate). A bucket starts full with `burst` tokens, refills at `perWindow`
 * tokens per window, and is forgotten `ttlMs` after it was created (tollbooth's expirable cache),
 * so a fresh bucket is full again. A refused request takes no token.
 *
 * Invariant (per key, while its bucket lives): over any span of t ms at most
 * burst + perWindow * t / windowMs requests are let through.
 */
export interface BucketRule {
  /** Tokens added per window (the config.toml figure, e.g. token_refresh = 150). */
  perWindow: number;
  windowMs: number;
  /** Bucket size: GoTrue uses 30 for every 5-minute limit. */
  burst: number;
  ttlMs: number;
}

export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty (answer 429). */
  take(key: string): boolean;
  /** Buckets currently remembered (for tests and /health-style diagnostics). */
  size(): number;
}

interface Bucket {
  tokens: number;
  last: number;
  created: number;
}

/**
 * Buckets are swept once this many are held; if none has expired, the oldest go, so a flood of
 * addresses cannot grow memory without end (each of those addresses then starts afresh).
 */
export const MAX_BUCKETS = 10_000;

export function createRateLimiter(rule: BucketRule, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const ratePerMs = rule.windowMs > 0 ? rule.perWindow / rule.windowMs : 0;
  const sweep = (t: number) => {
    for (const [key, b] of buckets) if (t - b.created >= rule.ttlMs) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size < MAX_BUCKETS * 0.9) break;
      buckets.delete(key);
    }
  };
  return {
    take(key) {
      const t = now();
      if (buckets.size >= MAX_BUCKETS) sweep(t);
      let b = buckets.get(key);
      if (!b || t - b.created >= rule.ttlMs) {
        b = { tokens: rule.burst, last: t, created: t };
        buckets.delete(key); // a new bucket goes to the end of the eviction order
        buckets.set(key, b);
      }
      b.tokens = Math.min(rule.burst, b.tokens + Math.max(0, t - b.last) * ratePerMs);
      b.last = Math.max(b.last, t);
      if (b.tokens < 1) return false;
      b.tokens -= 1;
      return true;
    },
    size: () => buckets.size,
  };
}

export interface AuthRateLimitOptions {
  /** GoTrue's window for the 5-minute limits; tests shorten it to see a refill without waiting. */
  windowSec?: number;
  /** Bucket size; GoTrue's is 30. */
  burst?: number;
  now?: () => number;
}

export interface AuthLimiters {
  /** POST /token, every grant (GOTRUE_RATE_LIMIT_TOKEN_REFRESH = [auth.rate_limit] token_refresh). */
  token: RateLimiter;
  /** POST /signup with e-mail or phone (GOTRUE_RATE_LIMIT_OTP = [auth.rate_limit] sign_in_sign_ups). */
  signup: RateLimiter;
}

export function createAuthLimiters(
  limits: { tokenRefresh: number; signInSignUps: number },
  opts: AuthRateLimitOptions = {},
): AuthLimiters {
  const windowMs = (opts.windowSec ?? 300) * 1000;
  const rule = (perWindow: number): BucketRule => ({ perWindow, windowMs, burst: opts.burst ?? 30, ttlMs: 3_600_000 });
  return {
    token: createRateLimiter(rule(limits.tokenRefresh), opts.now),
    signup: createRateLimiter(rule(limits.signInSignUps), opts.now),
  };
}

/** A token bucket on the monotonic clock: `burst` syncs at once, then `ratePerSec` on average. */
export interface TokenBucket {
  tokens: number;
  /** monotonic ms of the last refill */
  at: number;
}

export interface BucketLimits {
  burst: number;
  ratePerSec: number;
}

export function fullBucket(limits: BucketLimits, monotonicNow: number): TokenBucket {
  return { tokens: limits.burst, at: monotonicNow };
}

export function refill(bucket: TokenBucket, limits: BucketLimits, monotonicNow: number): TokenBucket {
  // a monotonic clock never goes back; clamp anyway so a bad clock can only slow us, never stall us
  const elapsed = Math.max(0, monotonicNow - bucket.at);
  return { tokens: Math.min(limits.burst, bucket.tokens + (elapsed * limits.ratePerSec) / 1000), at: Math.max(monotonicNow, bucket.at) };
}

/** ms until one token is there (0 = now). */
export function waitForToken(bucket: TokenBucket, limits: BucketLimits, monotonicNow: number): number {
  const { tokens } = refill(bucket, limits, monotonicNow);
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / limits.ratePerSec);
}

/** Takes one token; null when there is none yet. */
export function takeToken(bucket: TokenBucket, limits: BucketLimits, monotonicNow: number): TokenBucket | null {
  const next = refill(bucket, limits, monotonicNow);
  return next.tokens >= 1 ? { ...next, tokens: next.tokens - 1 } : null;
}

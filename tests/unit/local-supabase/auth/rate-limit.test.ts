import { describe, expect, it } from 'vitest';
import { createAuthLimiters, createRateLimiter, MAX_BUCKETS } from '../../../../local-supabase/auth/rate-limit.ts';
import { mulberry32 as rng } from '../../../support/rng.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const FIVE_MIN = 300_000;

describe('createRateLimiter', () => {
  it('lets a full bucket of requests through at once, then refuses', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 30, windowMs: FIVE_MIN, burst: 30, ttlMs: 3_600_000 }, c.now);
    const answers = Array.from({ length: 35 }, () => limiter.take('10.0.0.1'));
    expect(answers.filter(Boolean)).toHaveLength(30);
    expect(answers.slice(30)).toEqual([false, false, false, false, false]);
  });

  it('refills at the configured rate: 30 per 5 min is one every 10 s', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 30, windowMs: FIVE_MIN, burst: 30, ttlMs: 3_600_000 }, c.now);
    for (let i = 0; i < 30; i++) limiter.take('ip');
    c.advance(9_999);
    expect(limiter.take('ip')).toBe(false);
    c.advance(1);
    expect(limiter.take('ip')).toBe(true);
    expect(limiter.take('ip')).toBe(false);
  });

  it('keeps one bucket per address', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 1, windowMs: FIVE_MIN, burst: 1, ttlMs: 3_600_000 }, c.now);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
  });

  it('forgets a bucket an hour after it was made, as tollbooth does', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 0, windowMs: FIVE_MIN, burst: 2, ttlMs: 3_600_000 }, c.now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
    c.advance(3_599_999);
    expect(limiter.take('a')).toBe(false);
    c.advance(1);
    expect(limiter.take('a')).toBe(true);
  });

  it('is not fooled by a clock that steps back', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 30, windowMs: FIVE_MIN, burst: 1, ttlMs: 3_600_000 }, c.now);
    expect(limiter.take('a')).toBe(true);
    c.advance(-60_000);
    expect(limiter.take('a')).toBe(false);
  });

  it('holds at most MAX_BUCKETS buckets under a flood of addresses, keeping the newest', () => {
    const c = clock();
    const limiter = createRateLimiter({ perWindow: 30, windowMs: FIVE_MIN, burst: 1, ttlMs: 3_600_000 }, c.now);
    limiter.take('victim');
    for (let i = 0; i < MAX_BUCKETS * 3; i++) limiter.take(`flood-${i}`);
    expect(limiter.size()).toBeLessThanOrEqual(MAX_BUCKETS);
    // the newest address keeps its (empty) bucket
    expect(limiter.take(`flood-${MAX_BUCKETS * 3 - 1}`)).toBe(false);
  });

  it('invariant: over any span, granted <= burst + rate * span (seeded random interleavings)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = rng(seed);
      const c = clock();
      const burst = 1 + Math.floor(next() * 30);
      const perWindow = Math.floor(next() * 200);
      const windowMs = 1_000 + Math.floor(next() * FIVE_MIN);
      const limiter = createRateLimiter({ perWindow, windowMs, burst, ttlMs: Number.MAX_SAFE_INTEGER }, c.now);
      const grants: Record<string, number[]> = { a: [], b: [] };
      const start = c.now();
      for (let i = 0; i < 400; i++) {
        c.advance(Math.floor(next() * next() * 5_000));
        const key = next() < 0.7 ? 'a' : 'b';
        if (limiter.take(key)) grants[key]!.push(c.now());
      }
      const rate = perWindow / windowMs;
      for (const times of Object.values(grants)) {
        // in every span between two grants (and from the start) at most burst + rate * span got through
        let worst = 0;
        for (let i = 0; i < times.length; i++) {
          worst = Math.max(worst, i + 1 - (burst + rate * (times[i]! - start)));
          for (let j = 0; j < i; j++) worst = Math.max(worst, i - j + 1 - (burst + rate * (times[i]! - times[j]!)));
        }
        expect(worst, `seed ${seed}`).toBeLessThanOrEqual(1e-9);
      }
      // and it is not a limiter that refuses everything: the first `burst` requests of a key pass
      expect(grants.a!.length + grants.b!.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});

describe('createAuthLimiters', () => {
  it("uses [auth.rate_limit] counts per 5 minutes with GoTrue's bucket of 30", () => {
    const c = clock();
    const limiters = createAuthLimiters({ tokenRefresh: 150, signInSignUps: 30 }, { now: c.now });
    for (let i = 0; i < 30; i++) expect(limiters.token.take('ip')).toBe(true);
    expect(limiters.token.take('ip')).toBe(false);
    c.advance(2_000); // 150 per 300 s: one every 2 s
    expect(limiters.token.take('ip')).toBe(true);
    // the sign-up bucket is separate
    expect(limiters.signup.take('ip')).toBe(true);
  });

  it('takes a shorter window and bucket for tests', () => {
    const c = clock();
    const limiters = createAuthLimiters({ tokenRefresh: 2, signInSignUps: 2 }, { windowSec: 1, burst: 2, now: c.now });
    expect([limiters.signup.take('ip'), limiters.signup.take('ip'), limiters.signup.take('ip')]).toEqual([true, true, false]);
    c.advance(500);
    expect(limiters.signup.take('ip')).toBe(true);
  });
});

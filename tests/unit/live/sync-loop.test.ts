import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialSyncLoop, syncStep, type SyncLoop, type SyncLoopEvent, type SyncOutcome, type SyncPurpose } from '@/live/sync-loop';
import { createSyncScheduler } from './sync-loop-runtime';
import { mulberry32 } from '../../support/rng.ts';
import { createFakeEnv, settle } from './fakes';

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-03-10T10:30:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A scheduler whose syncs the test finishes by hand (or at once with `auto`). */
function setup(opts: { auto?: SyncOutcome; random?: () => number } = {}) {
  const { env } = createFakeEnv();
  if (opts.random) env.random = opts.random;
  const runs: { at: number; generation: number; purpose?: SyncPurpose; finish: (o: SyncOutcome) => void }[] = [];
  const scheduler = createSyncScheduler({
    env,
    limits: { burst: 4, ratePerSec: 3 },
    retryDelaysMs: [250, 1_000, 2_000, 5_000],
    jitter: 0.2,
    run: (generation, purpose) =>
      new Promise<SyncOutcome>((resolve) => {
        runs.push({ at: performance.now(), generation, purpose, finish: resolve });
        if (opts.auto) resolve(opts.auto);
      }),
  });
  scheduler.enable();
  return { scheduler, runs, env };
}

describe('sync scheduler', () => {
  it('leading edge: a change while idle syncs in the same turn', () => {
    const { scheduler, runs } = setup();
    scheduler.markDirty();
    expect(runs).toHaveLength(1);
  });

  it('one in flight: any number of changes meanwhile coalesce into exactly one more sync', async () => {
    const { scheduler, runs } = setup();
    scheduler.markDirty();
    for (let i = 0; i < 1_000; i++) scheduler.markDirty();
    expect(runs).toHaveLength(1);
    expect(scheduler.isIdle()).toBe(false);
    runs[0]!.finish('ok');
    await settle(0);
    expect(runs).toHaveLength(2);
    runs[1]!.finish('ok');
    await settle(10_000);
    expect(runs).toHaveLength(2);
    expect(scheduler.isIdle()).toBe(true);
  });

  it('token bucket: a burst of 4 at once, then at most 3 a second however many changes arrive', async () => {
    const { scheduler, runs } = setup({ auto: 'ok' });
    const t0 = performance.now();
    for (let ms = 0; ms < 10_000; ms += 5) {
      scheduler.markDirty();
      await settle(5);
    }
    await settle(2_000);
    const starts = runs.map((r) => r.at - t0);
    expect(starts.slice(0, 4).every((t) => t < 20)).toBe(true);
    // past the burst, starts are at least a third of a second apart
    for (let i = 5; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(333);
    expect(runs.length).toBeLessThanOrEqual(4 + 30 + 1);
    expect(runs.length).toBeGreaterThanOrEqual(30);
    // an idle second refills the bucket: the next change syncs at once again
    await settle(2_000);
    const before = runs.length;
    scheduler.markDirty();
    expect(runs).toHaveLength(before + 1);
  });

  it('a failed sync retries by itself with backoff and jitter; a success resets the backoff', async () => {
    const { scheduler, runs } = setup({ random: () => 1 }); // the top of the jitter band: +20 %
    scheduler.markDirty();
    const gaps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const failedAt = performance.now();
      runs.at(-1)!.finish('failed');
      await settle(10_000);
      gaps.push(Math.round(runs.at(-1)!.at - failedAt));
    }
    expect(gaps).toEqual([300, 1_200, 2_400, 6_000, 6_000]);
    expect(scheduler.failures()).toBe(5);
    runs.at(-1)!.finish('ok');
    await settle(0);
    expect(scheduler.failures()).toBe(0);
    scheduler.markDirty();
    expect(runs.at(-1)!.at).toBe(performance.now());
  });

  it('changes during a backoff wait for it; a wake-up (kick) ends it at once', async () => {
    const { scheduler, runs } = setup();
    scheduler.markDirty();
    runs[0]!.finish('failed');
    await settle(0);
    runs.length = 0;
    await settle(100);
    scheduler.markDirty();
    expect(runs).toHaveLength(0);
    scheduler.kick();
    expect(runs).toHaveLength(1);
  });

  it('disable ends the generation: a late answer is dropped and starts nothing', async () => {
    const { scheduler, runs } = setup();
    scheduler.markDirty();
    const first = runs[0]!;
    scheduler.markDirty();
    scheduler.disable();
    expect(scheduler.isCurrent(first.generation)).toBe(false);
    first.finish('ok');
    await settle(5_000);
    expect(runs).toHaveLength(1);
    scheduler.enable();
    scheduler.markDirty();
    expect(runs).toHaveLength(2);
    expect(scheduler.isCurrent(runs[1]!.generation)).toBe(true);
  });

  it('one in flight across pause/resume: a slow sync still under way holds the next one back until it settles', async () => {
    const { env } = createFakeEnv();
    let concurrent = 0;
    let maxConcurrent = 0;
    const calls: { generation: number; finish: () => void }[] = [];
    const scheduler = createSyncScheduler({
      env,
      limits: { burst: 4, ratePerSec: 3 },
      retryDelaysMs: [250],
      jitter: 0,
      // a fake api: each call is outstanding until the test answers it
      run: (generation) =>
        new Promise<SyncOutcome>((resolve) => {
          concurrent += 1;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
          calls.push({ generation, finish: () => { concurrent -= 1; resolve('ok'); } });
        }),
    });
    scheduler.enable();
    scheduler.markDirty();
    expect(calls).toHaveLength(1);
    // pause + resume while the first one is slow: the resumed engine wants a sync at once
    for (let i = 0; i < 3; i++) {
      scheduler.disable();
      scheduler.enable();
      scheduler.markDirty();
      await settle(1_000);
    }
    expect(calls).toHaveLength(1);
    expect(scheduler.isIdle()).toBe(false);
    calls[0]!.finish();
    await settle(10);
    // the old answer is dropped (its generation is over) and the wanted sync starts now, alone
    expect(scheduler.isCurrent(calls[0]!.generation)).toBe(false);
    expect(calls).toHaveLength(2);
    expect(scheduler.isCurrent(calls[1]!.generation)).toBe(true);
    calls[1]!.finish();
    await settle(1_000);
    expect(calls).toHaveLength(2);
    expect(maxConcurrent).toBe(1);
  });

  it('the wall clock stepped back or forward changes nothing: every wait is on the monotonic clock', async () => {
    const { scheduler, runs } = setup({ auto: 'ok' });
    for (let i = 0; i < 4; i++) {
      scheduler.markDirty();
      await settle(0);
    }
    expect(runs).toHaveLength(4);
    vi.setSystemTime(Date.now() - 3_600_000); // an hour back
    scheduler.markDirty();
    await settle(400);
    expect(runs).toHaveLength(5);
    vi.setSystemTime(Date.now() + 7_200_000); // two hours forward: no free burst either
    for (let i = 0; i < 4; i++) {
      scheduler.markDirty();
      await settle(0);
    }
    expect(runs).toHaveLength(5);
    await settle(400);
    expect(runs).toHaveLength(6);
  });

  it('paused: one-off requests wait for the request in flight, one per kind, and never run once the schedule is back', async () => {
    const { scheduler, runs } = setup();
    scheduler.markDirty();
    expect(runs).toHaveLength(1);
    scheduler.disable(); // paused while the schedule's sync is under way
    scheduler.once({ kind: 'paused', revenueOnly: true });
    scheduler.once({ kind: 'paused', revenueOnly: false }); // a retry widens the pending new range
    scheduler.once({ kind: 'confirm' });
    scheduler.once({ kind: 'confirm' });
    expect(runs).toHaveLength(1); // never two requests at once
    expect(scheduler.isIdle()).toBe(false);
    runs[0]!.finish('ok');
    await settle(0);
    expect(runs.map((r) => r.purpose)).toEqual([{ kind: 'loop' }, { kind: 'paused', revenueOnly: false }]);
    runs[1]!.finish('failed');
    await settle(0);
    expect(runs[2]?.purpose).toEqual({ kind: 'confirm' });
    runs[2]!.finish('ok');
    await settle(10_000);
    expect(runs).toHaveLength(3);
    expect(scheduler.isIdle()).toBe(true);
    // resumed: what was still queued is moot, the schedule's sync brings everything
    scheduler.once({ kind: 'confirm' });
    runs[3]!.finish('ok');
    scheduler.enable();
    scheduler.once({ kind: 'paused', revenueOnly: false });
    await settle(10_000);
    expect(runs).toHaveLength(4);
  });

  it('seeded random interleavings (syncStep): one request at a time, loop requests only enabled and dirty, one-offs only disabled', () => {
    const config = { limits: { burst: 4, ratePerSec: 3 }, retryDelaysMs: [250, 1_000], jitter: 0.2 };
    for (let seed = 1; seed <= 200; seed++) {
      const next = mulberry32(seed);
      let s: SyncLoop = initialSyncLoop(config.limits, 0);
      let now = 0;
      let timerArmed = false;
      const outstanding: { generation: number; loop: boolean }[] = [];
      for (let i = 0; i < 150; i++) {
        now += Math.floor(next() * 400);
        const r = next();
        let event: SyncLoopEvent;
        if (r < 0.2) event = { type: 'mark' };
        else if (r < 0.27) event = { type: 'kick' };
        else if (r < 0.35) event = { type: 'enable' };
        else if (r < 0.42) event = { type: 'disable' };
        else if (r < 0.5) event = { type: 'once', purpose: next() < 0.5 ? { kind: 'confirm' } : { kind: 'paused', revenueOnly: next() < 0.5 } };
        else if (r < 0.65 && timerArmed) event = { type: 'timer' };
        else if (outstanding.length > 0) {
          const done = outstanding.shift()!;
          event = { type: 'settled', ...done, outcome: next() < 0.3 ? 'failed' : 'ok', random: next() };
        } else event = { type: 'mark' };
        if (event.type === 'timer') timerArmed = false;
        const before = s;
        const result = syncStep(s, event, now, config);
        s = result.state;
        const where = `seed ${seed} step ${i} ${event.type}`;
        for (const e of result.effects) {
          if (e.type === 'arm') {
            expect(timerArmed, where).toBe(false);
            timerArmed = true;
          }
          if (e.type === 'disarm') timerArmed = false;
          if (e.type === 'request') {
            outstanding.push({ generation: e.generation, loop: e.purpose.kind === 'loop' });
            if (e.purpose.kind === 'loop') expect(s.enabled && (before.dirty || event.type === 'mark' || event.type === 'kick'), where).toBe(true);
            else expect(s.enabled, where).toBe(false);
          }
        }
        expect(outstanding.length, where).toBeLessThanOrEqual(1);
        expect(s.inFlight, where).toBe(outstanding.length === 1);
        expect(s.waiting, where).toBe(timerArmed);
        if (s.enabled) expect(s.oneOffs, where).toEqual([]);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { engineStep, initialEngineState, type EngineEvent, type EngineState } from '@/live/engine-step';
import { mulberry32 } from '../../support/rng.ts';

const config = {
  life: { refreshMs: 60_000, longOfflineMs: 120_000 },
  sync: { limits: { burst: 4, ratePerSec: 3 }, retryDelaysMs: [250, 1_000], jitter: 0.2 },
};

describe('engineStep: the lifecycle and the sync loop in one state', () => {
  it('signing in marks the loop dirty but sends nothing before the channels are ready; ready sends one request', () => {
    let s = initialEngineState(config.sync.limits, 0);
    const go = (event: EngineEvent, now = 0) => {
      const r = engineStep(s, event, now, config);
      s = r.state;
      return r.effects;
    };
    go({ type: 'start', online: true, monotonic: 0 });
    expect(go({ type: 'signedIn', viewer: { id: 'u1', role: 'admin' } }).filter((e) => e.type === 'request')).toEqual([]);
    expect(s.sync).toMatchObject({ dirty: true, enabled: false });
    expect(go({ type: 'channelsReady' }).filter((e) => e.type === 'request')).toEqual([
      { type: 'request', generation: 0, purpose: { kind: 'loop' } },
    ]);
    // pausing disables the loop in the same step; the answer still under way is from an old generation
    go({ type: 'pause' });
    expect(s.sync).toMatchObject({ enabled: false, generation: 1, inFlight: true });
    // a new range while paused waits for it, then goes out as one paused request
    expect(go({ type: 'rangeChanged' })).toEqual([]);
    expect(go({ type: 'syncSettled', generation: 0, loop: true, outcome: 'ok', random: 0.5 })).toEqual([
      { type: 'request', generation: 1, purpose: { kind: 'paused', revenueOnly: true } },
    ]);
  });

  it('seeded random interleavings: the loop runs only while running, one request at a time', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = mulberry32(seed);
      let s: EngineState = initialEngineState(config.sync.limits, 0);
      let now = 0;
      let outstanding: { generation: number; loop: boolean } | null = null;
      let timer = false;
      for (let i = 0; i < 120; i++) {
        now += Math.floor(next() * 300);
        const pick = next();
        const events: EngineEvent[] = [
          { type: 'start', online: true, monotonic: now },
          { type: 'signedIn', viewer: { id: 'u1', role: next() < 0.7 ? 'admin' : 'support' } },
          { type: 'signedOut' },
          { type: 'pause' },
          { type: 'resume' },
          { type: 'channelsReady' },
          { type: 'channelFailed', reason: 'x', tokenProblem: false },
          { type: 'push' },
          { type: 'behind' },
          { type: 'poll', online: true },
          { type: 'wake' },
          { type: 'visible' },
          { type: 'rangeChanged' },
          { type: 'retry' },
          { type: 'requestOnce', purpose: { kind: 'confirm' } },
        ];
        let event: EngineEvent = events[Math.floor(pick * events.length)]!;
        if (next() < 0.3 && outstanding !== null) {
          event = { type: 'syncSettled', ...outstanding, outcome: next() < 0.3 ? 'failed' : 'ok', random: next() };
          outstanding = null;
        } else if (next() < 0.2 && timer) {
          event = { type: 'syncTimer' };
          timer = false;
        }
        const r = engineStep(s, event, now, config);
        s = r.state;
        const where = `seed ${seed} step ${i} ${event.type}`;
        for (const e of r.effects) {
          if (e.type === 'request') {
            expect(outstanding, where).toBeNull();
            outstanding = { generation: e.generation, loop: e.purpose.kind === 'loop' };
            if (e.purpose.kind === 'loop') expect(s.life.phase, where).toBe('running');
            // a paused view's request, or an older page's epoch check before the channels are confirmed
            else expect(s.sync.enabled, where).toBe(false);
          }
          if (e.type === 'arm') timer = true;
          if (e.type === 'disarm') timer = false;
        }
        if (s.sync.enabled) expect(s.life.phase, where).toBe('running');
        expect(s.sync.inFlight, where).toBe(outstanding !== null);
        expect(s.sync.waiting, where).toBe(timer);
      }
    }
  });
});

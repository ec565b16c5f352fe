import { describe, expect, it } from 'vitest';
import { initialLifecycle, step, type Lifecycle, type LifecycleEffect, type LifecycleEvent } from '@/live/lifecycle';
import { mulberry32 } from '../../support/rng.ts';

const config = { refreshMs: 60_000, longOfflineMs: 120_000 };

/** What the effects left armed, as the runtime would hold it. */
interface World {
  channels: boolean;
  syncEnabled: boolean;
  clock: boolean;
  readyTimer: boolean;
  /** session checks asked for and not yet answered, by run */
  checks: number[];
  opened: number;
}

function perform(world: World, effects: LifecycleEffect[]): World {
  const w = { ...world, checks: [...world.checks] };
  for (const e of effects) {
    if (e.type === 'stopData') Object.assign(w, { channels: false, syncEnabled: false, clock: false, readyTimer: false });
    if (e.type === 'openChannels') Object.assign(w, { channels: true, opened: w.opened + 1 });
    if (e.type === 'reconnectChannels' || e.type === 'reconnectNow') w.channels = true;
    if (e.type === 'closeChannels') w.channels = false;
    if (e.type === 'enableSync') w.syncEnabled = true;
    if (e.type === 'startClock') w.clock = true;
    if (e.type === 'armReadyTimer') w.readyTimer = true;
    if (e.type === 'clearReadyTimer') w.readyTimer = false;
    if (e.type === 'checkSession') w.checks.push(e.run);
  }
  return w;
}

function run(events: LifecycleEvent[], from: Lifecycle = initialLifecycle) {
  let state = from;
  const effects: LifecycleEffect[][] = [];
  for (const event of events) {
    const result = step(state, event, config);
    state = result.state;
    effects.push(result.effects);
  }
  return { state, effects, last: effects.at(-1) ?? [] };
}

const types = (effects: LifecycleEffect[]) => effects.map((e) => (e.type === 'sync' ? `sync:${e.how}` : e.type));

describe('lifecycle step', () => {
  const signedIn: LifecycleEvent[] = [{ type: 'start', online: true, monotonic: 0 }, { type: 'signedIn', viewer: { id: 'u1', role: 'admin' } }];

  it('signing in subscribes first (after the session check), then syncs', () => {
    const { state, last } = run(signedIn);
    expect(state).toMatchObject({ phase: 'running', viewer: { id: 'u1', role: 'admin' }, run: 1 });
    expect(types(last)).toEqual(['signal', 'armReadyTimer', 'startClock', 'sync:mark', 'checkSession']);
    expect(types(run([...signedIn, { type: 'sessionChecked', run: 1, ok: true }]).last)).toEqual(['openChannels']);
    expect(types(run([...signedIn, { type: 'sessionChecked', run: 1, ok: false }]).last)).toEqual(['reconnectChannels']);
  });

  it('a support user is told the revenue is not theirs', () => {
    const { last } = run([{ type: 'start', online: true, monotonic: 0 }, { type: 'signedIn', viewer: { id: 'u1', role: 'support' } }]);
    expect(types(last)).toContain('revenueUnavailable');
  });

  it('an answer to the session check of an earlier run opens nothing', () => {
    const { last, state } = run([...signedIn, { type: 'pause' }, { type: 'resume' }, { type: 'sessionChecked', run: 1, ok: true }]);
    expect(state).toMatchObject({ phase: 'running', run: 2 });
    expect(last).toEqual([]);
  });

  it('pausing stops everything; a new range while paused still syncs once (admin only)', () => {
    const paused = run([...signedIn, { type: 'pause' }]);
    expect(paused.state.phase).toBe('paused');
    expect(types(paused.last)).toEqual(['stopData', 'signal', 'flush']);
    expect(run([{ type: 'rangeChanged' }], paused.state).last).toEqual([{ type: 'syncOnce', revenueOnly: true }]);
    expect(run([{ type: 'retry' }], paused.state).last).toEqual([{ type: 'syncOnce', revenueOnly: false }]);
    const support = run([{ type: 'start', online: true, monotonic: 0 }, { type: 'signedIn', viewer: { id: 'u1', role: 'support' } }, { type: 'pause' }]);
    expect(run([{ type: 'rangeChanged' }], support.state).last).toEqual([]);
  });

  it('whether to sync: pushes and polls mark, wake-ups kick, a tick only once the refresh is due', () => {
    const { state } = run(signedIn);
    const after = (event: LifecycleEvent) => types(step(state, event, config).effects).filter((t) => t.startsWith('sync:'));
    expect(after({ type: 'push' })).toEqual(['sync:mark']);
    expect(after({ type: 'poll', online: true })).toEqual(['sync:mark']);
    expect(after({ type: 'tick', msSinceSync: 59_999 })).toEqual([]);
    expect(after({ type: 'tick', msSinceSync: 60_000 })).toEqual(['sync:mark']);
    expect(after({ type: 'wake' })).toEqual(['sync:kick']);
    expect(after({ type: 'visible' })).toEqual(['sync:kick']);
    expect(after({ type: 'channelsReady' })).toEqual(['sync:kick']);
    expect(after({ type: 'rangeChanged' })).toEqual(['sync:kick']);
  });

  it('back online after a long time offline refreshes the session before joining again', () => {
    const short = run([...signedIn, { type: 'offline', monotonic: 1_000 }, { type: 'online', monotonic: 60_000 }]);
    expect(types(short.last)).toEqual(['pollSoon', 'sync:kick', 'reconnectNow']);
    const long = run([...signedIn, { type: 'offline', monotonic: 1_000 }, { type: 'online', monotonic: 200_000 }]);
    expect(types(long.last)).toEqual(['requireRefresh', 'closeChannels', 'realtimeLost', 'enableSync', 'pollSoon', 'sync:kick', 'reconnectNow']);
    // offline noted while signed out counts too
    const before = run([{ type: 'start', online: false, monotonic: 5 }, { type: 'signedIn', viewer: { id: 'u1', role: 'admin' } }, { type: 'online', monotonic: 200_000 }]);
    expect(types(before.last)).toContain('requireRefresh');
  });

  it('stopped is final', () => {
    const { state } = run([...signedIn, { type: 'stop' }]);
    for (const event of [{ type: 'signedIn', viewer: { id: 'u1', role: 'admin' } }, { type: 'resume' }, { type: 'push' }] as LifecycleEvent[]) {
      expect(step(state, event, config)).toEqual({ state, effects: [] });
    }
  });

  it('seeded random interleavings: nothing stays armed outside running, channels open only for the current run', () => {
    const make = (next: () => number, state: Lifecycle, world: World): LifecycleEvent => {
      const r = next();
      const mono = Math.floor(next() * 1_000_000);
      const all: LifecycleEvent[] = [
        { type: 'start', online: next() < 0.8, monotonic: mono },
        { type: 'signedIn', viewer: { id: 'u1', role: next() < 0.5 ? 'admin' : 'support' } },
        { type: 'signedOut' },
        { type: 'pause' },
        { type: 'resume' },
        { type: 'sessionChecked', run: world.checks.length > 0 ? world.checks[Math.floor(next() * world.checks.length)]! : 1, ok: next() < 0.7 },
        { type: 'readyTimeout', ready: next() < 0.5 },
        { type: 'channelsReady' },
        { type: 'channelFailed', reason: 'closed', tokenProblem: next() < 0.3 },
        { type: 'resubscribed' },
        { type: 'push' },
        { type: 'poll', online: next() < 0.8 },
        { type: 'tick', msSinceSync: Math.floor(next() * 120_000) },
        { type: 'wake' },
        { type: 'clockJump' },
        { type: 'boundary' },
        { type: 'visible' },
        { type: 'online', monotonic: mono },
        { type: 'offline', monotonic: mono },
        { type: 'rangeChanged' },
        { type: 'retry' },
        { type: 'stop' },
      ];
      // stop rarely, so that most runs go deep
      const pick = Math.floor(r * (all.length - (state.phase === 'idle' ? 0 : 1) + 0.02));
      return all[Math.min(pick, all.length - 1)]!;
    };
    for (let seed = 1; seed <= 300; seed++) {
      const next = mulberry32(seed);
      let state: Lifecycle = initialLifecycle;
      let world: World = { channels: false, syncEnabled: false, clock: false, readyTimer: false, checks: [], opened: 0 };
      let offline = false;
      for (let i = 0; i < 80; i++) {
        const event = make(next, state, world);
        const before = state;
        const result = step(state, event, config);
        state = result.state;
        world = perform(world, result.effects);
        const where = `seed ${seed} step ${i} ${before.phase} --${event.type}-->`;
        if (before.phase !== 'stopped') {
          if (event.type === 'offline') offline = true;
          if (event.type === 'online') offline = false;
          if (event.type === 'start' && before.phase === 'idle') offline = !event.online;
        }
        if (state.phase !== 'running') {
          expect({ where, ...world, checks: undefined, opened: undefined }).toEqual({
            where, channels: false, syncEnabled: false, clock: false, readyTimer: false, checks: undefined, opened: undefined,
          });
        } else {
          expect(world.clock, where).toBe(true);
        }
        if (result.effects.some((e) => e.type === 'openChannels')) {
          expect(event, where).toMatchObject({ type: 'sessionChecked', ok: true, run: state.phase === 'running' ? state.run : -1 });
        }
        if (before.phase === 'running' && state.phase !== 'running') expect(types(result.effects)[0], where).toBe('stopData');
        if (before.phase === 'stopped') expect(result.effects, where).toEqual([]);
        if (state.phase !== 'stopped') expect(state.offlineSince !== null, where).toBe(offline);
        if (state.phase === 'running' || state.phase === 'paused') expect(state.run, where).toBe(state.runs);
      }
    }
  });
});

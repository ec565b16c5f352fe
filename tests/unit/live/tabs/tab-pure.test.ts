import { describe, expect, it } from 'vitest';
import { initialDashboardData } from '@/live/dashboard-reducer';
import { initialConnectionInfo } from '@/live/connection-machine';
import { createConnectionStore } from '@/live/stores/connection-store';
import { createDashboardStore } from '@/live/stores/dashboard-store';
import { createSessionStore } from '@/live/stores/session-store';
import { initialFollowerState, receiveState, type StateMessage } from '@/live/tabs/follower-state';
import { jwtSubject } from '@/live/tabs/jwt-subject';
import { createSharedVisibility, leaderEnvironment } from '@/live/tabs/leader-environment';
import { answered, heard, LEADER_QUIET_MS, LEADER_STARVED_MS, PING_TIMEOUT_MS, watchdogStep } from '@/live/tabs/leader-watchdog';
import { engineRangeFor, extraRangesFor, revenueFor } from '@/live/tabs/revenue-view';
import { changedFields, createSnapshotSource, shareUnchanged } from '@/live/tabs/snapshot-source';
import { leaderLockName, parseTabMessage, type RevenueSlice, type TabSnapshot } from '@/live/tabs/tab-messages';
import { detectTabsPlatform } from '@/live/tabs/tab-ports';
import { createTabView } from '@/live/tabs/tab-view';
import { jwtFor } from './fakes';

function snapshot(cursor: number): TabSnapshot {
  return {
    dashboard: { ...initialDashboardData(), cursor },
    connection: initialConnectionInfo(0),
    session: { status: 'signed-in', user: { id: 'u', email: 'e', displayName: 'd', role: 'admin' }, message: null },
    extras: {},
  };
}

const env = { from: 'tab-a', user: 'u' };
const snap = (term: number, seq: number, cursor: number): StateMessage => ({ ...env, type: 'snapshot', term, seq, snapshot: snapshot(cursor) });
const delta = (term: number, seq: number, cursor: number, from = 'tab-a'): StateMessage => ({ ...env, from, type: 'delta', term, seq, delta: { dashboard: { cursor } } });

describe('parseTabMessage', () => {
  it('reads every message type back from a structured clone', () => {
    const messages = [
      { ...env, type: 'hello' },
      { ...env, type: 'bye' },
      { ...env, type: 'ping' },
      { ...env, type: 'presence', paused: true, hidden: false, range: '30d' },
      { ...env, type: 'heartbeat', term: 2, seq: 9 },
      { ...env, type: 'heartbeat', term: 2, seq: 9, answer: true },
      snap(1, 0, 3),
      delta(1, 1, 4),
      { ...env, type: 'command', command: { name: 'retry', part: 'feed' } },
      { ...env, type: 'command', command: { name: 'load-older' } },
    ];
    for (const m of messages) expect(parseTabMessage(structuredClone(m))).toEqual(m);
  });

  it('drops what this build does not understand', () => {
    const bad: unknown[] = [
      null,
      'hello',
      { type: 'hello' },
      { ...env, type: 'nope' },
      { ...env, type: 'presence', paused: 'yes', hidden: false, range: '7d' },
      { ...env, type: 'presence', paused: false, hidden: false, range: '1y' },
      { ...env, type: 'presence', paused: false, range: '7d' },
      { ...env, type: 'heartbeat', term: -1, seq: 0 },
      { ...env, type: 'heartbeat', term: 1.5, seq: 0 },
      { ...env, type: 'snapshot', term: 1, seq: 0, snapshot: { dashboard: {} } },
      { ...env, type: 'snapshot', term: 1, seq: 0, snapshot: { ...snapshot(1), session: { status: 'odd', user: null, message: null } } },
      { ...env, type: 'delta', term: 1, seq: 1, delta: { connection: 'live' } },
      { ...env, type: 'delta', term: 1, seq: 1, delta: { extras: { '1y': {} } } },
      { ...env, type: 'command', command: { name: 'retry', part: 'everything' } },
      { ...env, type: 'command', command: { name: 'drop-table' } },
    ];
    for (const m of bad) expect(parseTabMessage(m)).toBeNull();
  });

  it('names the lock after the project and the user', () => {
    expect(leaderLockName('http://x', 'u1')).not.toBe(leaderLockName('http://x', 'u2'));
    expect(leaderLockName('http://x', 'u1')).not.toBe(leaderLockName('http://y', 'u1'));
  });
});

describe('receiveState', () => {
  it('applies deltas in order after a snapshot', () => {
    let s = receiveState(initialFollowerState, snap(1, 0, 1)).state;
    const r = receiveState(s, delta(1, 1, 2));
    expect(r.changed).toBe(true);
    s = r.state;
    expect(s.snapshot?.dashboard.cursor).toBe(2);
    expect(s.publishSeq).toBe(1);
  });

  it('asks for a snapshot on a gap, on a delta before any snapshot, and on a new leader', () => {
    expect(receiveState(initialFollowerState, delta(1, 1, 2)).needSnapshot).toBe(true);
    const s = receiveState(initialFollowerState, snap(1, 0, 1)).state;
    expect(receiveState(s, delta(1, 2, 3))).toMatchObject({ changed: false, needSnapshot: true });
    expect(receiveState(s, delta(2, 1, 3, 'tab-b'))).toMatchObject({ changed: false, needSnapshot: true });
  });

  it('ignores duplicates and anything from an older leadership', () => {
    let s = receiveState(initialFollowerState, snap(2, 0, 1)).state;
    s = receiveState(s, delta(2, 1, 2)).state;
    expect(receiveState(s, delta(2, 1, 2))).toMatchObject({ changed: false, needSnapshot: false });
    expect(receiveState(s, snap(1, 7, 9))).toMatchObject({ changed: false, needSnapshot: false });
    expect(receiveState(s, delta(1, 2, 9))).toMatchObject({ changed: false, needSnapshot: false });
    expect(receiveState(s, snap(2, 0, 1)).changed).toBe(false);
  });
});

describe('revenue ranges', () => {
  const points = (n: number) => Array.from({ length: n }, (_, i) => ({ bucketStart: `d${i}`, revenueCents: i, ordersCount: 0 }));
  const ready = (range: RevenueSlice['range'], n: number): RevenueSlice => ({ status: 'ready', data: points(n), error: null, range });

  it('the engine keeps the widest day range; 24 h alone is hourly', () => {
    expect(engineRangeFor(['7d', '30d', '24h'], '7d')).toBe('30d');
    expect(engineRangeFor(['90d', '7d'], '7d')).toBe('90d');
    expect(engineRangeFor(['24h'], '7d')).toBe('24h');
    expect(engineRangeFor([], '30d')).toBe('30d');
    expect(extraRangesFor(['24h', '7d', '30d'], '30d')).toEqual(['24h']);
    expect(extraRangesFor(['24h'], '24h')).toEqual([]);
  });

  it('a narrower day range is the last buckets of the engine series', () => {
    const v = revenueFor('7d', ready('90d', 90), {}, null);
    expect(v.range).toBe('7d');
    expect(v.data).toEqual(points(90).slice(-7));
  });

  it('24 h comes from the extras, and support gets "not available" for every range', () => {
    expect(revenueFor('24h', ready('30d', 30), { '24h': ready('24h', 24) }, null).data).toHaveLength(24);
    expect(revenueFor('24h', ready('30d', 30), {}, null).status).toBe('loading');
    expect(revenueFor('24h', { status: 'ready', data: null, error: null, range: '7d' }, {}, null)).toEqual({ status: 'ready', data: null, error: null, range: '24h' });
  });

  it('keeps what the tab showed while the leader switches series', () => {
    const shown = revenueFor('7d', ready('7d', 7), {}, null);
    expect(revenueFor('7d', { status: 'loading', data: null, error: null, range: '90d' }, {}, shown)).toBe(shown);
    expect(revenueFor('30d', { status: 'loading', data: null, error: null, range: '90d' }, {}, shown).status).toBe('loading');
  });
});

describe('tab view', () => {
  function stores() {
    return { dashboard: createDashboardStore(), connection: createConnectionStore({ now: () => 0 }), session: createSessionStore() };
  }

  it('pause freezes the dashboard and shows Paused, while the session stays live', () => {
    const s = stores();
    const view = createTabView(s, () => 42);
    view.show(snapshot(1));
    view.setPaused(true);
    expect(s.connection.getState()).toMatchObject({ state: 'paused', since: 42 });
    const signedOut = snapshot(2);
    signedOut.session = { status: 'signed-out', user: null, message: 'bye' };
    view.show(signedOut);
    expect(s.dashboard.getState().cursor).toBe(1);
    expect(s.session.getState()).toMatchObject({ status: 'signed-out', message: 'bye' });
    view.setPaused(false);
    expect(s.dashboard.getState().cursor).toBe(2);
    expect(s.connection.getState().state).toBe('connecting');
  });

  it('the revenue shown always has the tab range, as the range picker expects', () => {
    const s = stores();
    const view = createTabView(s);
    view.setRange('30d');
    expect(s.dashboard.getState().revenue).toMatchObject({ range: '30d', status: 'loading' });
    view.show(snapshot(1));
    expect(s.dashboard.getState().revenue.range).toBe('30d');
  });
});

describe('snapshot source', () => {
  it('sends only the fields that changed, and stands in the resumed state while the session is restored', () => {
    const s = stores2();
    const resume = snapshot(7);
    const source = createSnapshotSource(s, resume, null);
    const extras = {};
    expect(source.next(extras).snapshot.dashboard.cursor).toBe(7);
    s.session.getState().signedIn({ id: 'u', email: 'e', displayName: 'd', role: 'admin' });
    s.dashboard.setState({ cursor: 8 });
    const { delta } = source.next(extras);
    expect(Object.keys(delta?.dashboard ?? {})).toEqual(expect.arrayContaining(['cursor']));
    s.dashboard.setState({ cursor: 9 });
    expect(source.next(extras).delta).toEqual({ dashboard: { cursor: 9 } });
    expect(source.next(extras).delta).toBeNull();
    expect(changedFields({ a: 1 }, { a: 1 })).toBeNull();
  });
  function stores2() {
    return { dashboard: createDashboardStore(), connection: createConnectionStore({ now: () => 0 }), session: createSessionStore() };
  }
});

describe('edges', () => {
  it('jwtSubject reads the user id and refuses garbage', () => {
    expect(jwtSubject(jwtFor('abc'))).toBe('abc');
    expect(jwtSubject('nope')).toBeNull();
    expect(jwtSubject('a.!!!.c')).toBeNull();
    expect(jwtSubject(`a.${Buffer.from('{"sub":5}').toString('base64url')}.c`)).toBeNull();
  });

  it('without Web Locks or BroadcastChannel every tab runs on its own', () => {
    const win = { addEventListener() {}, removeEventListener() {} };
    expect(detectTabsPlatform(win, undefined)).toBeNull();
    expect(detectTabsPlatform({ ...win, navigator: { locks: { request: () => Promise.resolve() } } }, undefined)).toBeNull();
  });
});

describe('leader watchdog', () => {
  it('pings a quiet leader, steals only when the ping goes unanswered, and any word resets it', () => {
    let w = heard(0);
    expect(watchdogStep(w, LEADER_QUIET_MS, 0).action).toBe('none');
    let step = watchdogStep(w, LEADER_QUIET_MS + 1, 0);
    expect(step.action).toBe('ping');
    w = step.watch;
    expect(watchdogStep(w, LEADER_QUIET_MS + 1 + PING_TIMEOUT_MS, 0).action).toBe('none');
    // the jitter delays the steal by up to one more timeout
    expect(watchdogStep(w, LEADER_QUIET_MS + 2 + PING_TIMEOUT_MS, 0.5).action).toBe('none');
    step = watchdogStep(w, LEADER_QUIET_MS + 2 + PING_TIMEOUT_MS, 0);
    expect(step.action).toBe('steal');
    expect(step.watch).toEqual(heard(LEADER_QUIET_MS + 2 + PING_TIMEOUT_MS));
    w = heard(LEADER_QUIET_MS + 500); // the leader answered the ping
    expect(watchdogStep(w, LEADER_QUIET_MS + 600, 0).action).toBe('none');
  });

  it('a visible follower takes the lead from a leader that answers pings but whose own heartbeats are late', () => {
    // the leader's timer beat at 0; since then it only answered pings (its timers are starved)
    let w = answered(heard(0), LEADER_STARVED_MS);
    expect(watchdogStep(w, LEADER_STARVED_MS + 1, 0, false).action).toBe('none'); // a hidden follower waits
    expect(watchdogStep(w, LEADER_STARVED_MS, 0, true).action).toBe('none');
    const step = watchdogStep(w, LEADER_STARVED_MS + 1, 0, true);
    expect(step).toEqual({ watch: heard(LEADER_STARVED_MS + 1), action: 'steal' });
    // a leader whose timer beats on time is never taken from, however visible the follower
    w = heard(LEADER_STARVED_MS);
    expect(watchdogStep(w, LEADER_STARVED_MS + 900, 0, true).action).toBe('none');
  });
});

describe('leader environment', () => {
  it('never waits for an animation frame, visible or hidden: every tab gets a change at once', async () => {
    let hidden = false;
    const frames: Array<() => void> = [];
    const base = { isHidden: () => hidden, requestFrame: (fn: () => void) => void frames.push(fn) } as unknown as Parameters<typeof leaderEnvironment>[0];
    const env = leaderEnvironment(base, createSharedVisibility(false));
    const ran: string[] = [];
    env.requestFrame(() => ran.push('visible'));
    hidden = true;
    env.requestFrame(() => ran.push('hidden'));
    await Promise.resolve();
    expect(ran).toEqual(['visible', 'hidden']);
    expect(frames).toHaveLength(0);
    expect(env.isHidden()).toBe(false); // every tab's, not this one's
  });
});

describe('shareUnchanged', () => {
  it('keeps the previous object for a field whose content did not change', () => {

    const prev = { a: { x: [1, 2] }, b: { y: 1 } };
    const next = shareUnchanged(prev, { a: { x: [1, 2] }, b: { y: 2 } });
    expect(next.a).toBe(prev.a);
    expect(next.b).toEqual({ y: 2 });
    expect(changedFields(prev, next)).toEqual({ b: { y: 2 } });
  });
});

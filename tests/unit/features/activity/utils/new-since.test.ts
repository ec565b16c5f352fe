// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { dividerIndex, initNewSince, newSinceReducer, toTabTitle, unseenCount, type NewSinceState } from '@/features/activity/utils/new-since';
import { lastSeenKey, readLastSeen, writeLastSeen } from '@/features/activity/utils/last-seen-storage';
import { activityFixture } from '../../fixtures/dashboard';
import { seededRandom } from '../../fixtures/random';

describe('new since last visit', () => {
  it('puts the divider above the first item seen before, only when something newer is above it', () => {
    const items = activityFixture(5, 10);
    expect(dividerIndex(items, 8)).toBe(2);
    expect(dividerIndex(items, 10)).toBeNull();
    expect(dividerIndex(items, null)).toBeNull();
    // everything is new: no old item to put it above
    expect(dividerIndex(items, 2)).toBeNull();
  });

  it('counts what arrived while hidden in the title', () => {
    let s = initNewSince(null, true);
    s = newSinceReducer(s, { type: 'newest', id: 10 });
    s = newSinceReducer(s, { type: 'visibility', visible: false, newest: 10 });
    expect(unseenCount(s, activityFixture(13, 13))).toBe(3);
    expect(toTabTitle('Activity · Repair Shop', 3)).toBe('(3) Activity · Repair Shop');
    expect(toTabTitle('Activity · Repair Shop', 0)).toBe('Activity · Repair Shop');
    expect(toTabTitle('A', 250)).toBe('(99+) A');
  });

  it('starts over in another epoch: no divider, and the new log as first seen is the baseline, hidden or not', () => {
    let s = initNewSince(37, true, 'epoch-1');
    s = newSinceReducer(s, { type: 'epoch', epoch: 'epoch-1', newest: 40 });
    s = newSinceReducer(s, { type: 'newest', id: 40 });
    s = newSinceReducer(s, { type: 'visibility', visible: false, newest: 40 });
    // truncated while hidden: the new log holds ids up to 5
    s = newSinceReducer(s, { type: 'epoch', epoch: 'epoch-2', newest: 5 });
    expect(s).toEqual({ epoch: 'epoch-2', dividerId: null, seenId: 5, visible: false });
    expect(unseenCount(s, activityFixture(7, 7))).toBe(2);
    s = newSinceReducer(s, { type: 'visibility', visible: true, newest: 7 });
    expect(s).toMatchObject({ dividerId: 5, seenId: 7 });
    // an empty new log is a baseline too (0), so its first row counts
    s = newSinceReducer(s, { type: 'visibility', visible: false, newest: 7 });
    s = newSinceReducer(s, { type: 'epoch', epoch: 'epoch-3', newest: 0 });
    expect(unseenCount(s, activityFixture(1, 1))).toBe(1);
    // a position stored without an epoch is taken for the first one seen
    expect(newSinceReducer(initNewSince(37, true), { type: 'epoch', epoch: 'epoch-1', newest: 40 })).toMatchObject({ epoch: 'epoch-1', seenId: 37 });
  });

  // Invariants: seenId never goes down; it moves only while visible (or for the very first
  // baseline); the divider moves only when the page becomes visible after something arrived
  // unseen, and then to what had been seen.
  it('keeps its invariants under random visibility changes and arrivals', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const rand = seededRandom(seed);
      let newest = rand.int(50);
      let s: NewSinceState = initNewSince(rand.chance(0.5) ? rand.int(40) : null, rand.chance(0.7));
      for (let step = 0; step < 80; step += 1) {
        const prev = s;
        if (rand.chance(0.6)) {
          newest += rand.int(4);
          s = newSinceReducer(s, { type: 'newest', id: newest });
        } else {
          s = newSinceReducer(s, { type: 'visibility', visible: rand.chance(0.5), newest });
        }
        const ctx = `seed ${seed} step ${step}`;
        if (prev.seenId !== null) expect(s.seenId, ctx).toBeGreaterThanOrEqual(prev.seenId);
        if (!prev.visible && !s.visible && prev.seenId !== null) expect(s.seenId, ctx).toBe(prev.seenId);
        if (s.dividerId !== prev.dividerId) {
          expect(prev.visible, ctx).toBe(false);
          expect(s.visible, ctx).toBe(true);
          expect(s.dividerId, ctx).toBe(prev.seenId);
        }
        if (s.visible && newest > 0) expect(s.seenId, ctx).toBe(Math.max(newest, prev.seenId ?? 0));
      }
    }
  });
});

describe('last-seen storage', () => {
  it('keeps one position per user and only moves it forward', () => {
    localStorage.clear();
    writeLastSeen(localStorage, 'u1', { id: 10, epoch: null });
    writeLastSeen(localStorage, 'u1', { id: 7, epoch: null });
    writeLastSeen(localStorage, 'u2', { id: 3, epoch: null });
    expect(readLastSeen(localStorage, 'u1')).toEqual({ id: 10, epoch: null });
    expect(readLastSeen(localStorage, 'u2')).toEqual({ id: 3, epoch: null });
    localStorage.setItem(lastSeenKey('u3'), 'garbage');
    expect(readLastSeen(localStorage, 'u3')).toBeNull();
    expect(readLastSeen(null, 'u1')).toBeNull();
    expect(() => writeLastSeen(null, 'u1', { id: 1, epoch: null })).not.toThrow();
  });

  it('keeps the epoch with the position, and replaces a position of another epoch even with a lower id', () => {
    localStorage.clear();
    writeLastSeen(localStorage, 'u1', { id: 40, epoch: 'epoch-1' });
    writeLastSeen(localStorage, 'u1', { id: 5, epoch: 'epoch-2' });
    expect(readLastSeen(localStorage, 'u1')).toEqual({ id: 5, epoch: 'epoch-2' });
    writeLastSeen(localStorage, 'u1', { id: 3, epoch: 'epoch-2' });
    expect(readLastSeen(localStorage, 'u1')).toEqual({ id: 5, epoch: 'epoch-2' });
    expect(localStorage.getItem(lastSeenKey('u1'))).toBe('5:epoch-2');
  });
});

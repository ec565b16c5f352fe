import { describe, expect, it } from 'vitest';
import { appendOlder, emptyWindow, olderPageAnchor, prependNewer, replaceWindow } from '@/live/feed-window';
import type { ActivityItem } from '@/live/types';

const item = (id: number): ActivityItem => ({ id, kind: 'ticket_created', entityType: 'ticket', entityId: `t${id}`, occurredAt: '2026-03-10T10:00:00.000Z', summary: {} });
const rows = (...ids: number[]) => ids.map(item);
const idsOf = (w: { items: ActivityItem[] }) => w.items.map((i) => i.id);

describe('feed window', () => {
  it('a snapshot replaces the window, newest first, capped at the old end, and starts a new generation', () => {
    const w = replaceWindow(emptyWindow(3), rows(1, 5, 3, 4, 2, 5), false, 3);
    expect(idsOf(w)).toEqual([5, 4, 3]);
    expect(w).toMatchObject({ hasMore: true, generation: 4 });
  });

  it('newer rows go on top; rows already held never twice; trimming cuts the old end and sets hasMore', () => {
    const w = replaceWindow(emptyWindow(), rows(3, 2, 1), false, 5);
    const n = prependNewer(w, rows(6, 4, 5, 3), 5);
    expect(idsOf(n)).toEqual([6, 5, 4, 3, 2]);
    expect(n).toMatchObject({ hasMore: true, generation: w.generation });
    expect(prependNewer(n, [], 5)).toBe(n);
  });

  it('an older page joins only right below the oldest row of the window it was asked for', () => {
    const w = replaceWindow(emptyWindow(), rows(10, 9, 8), true, 10);
    expect(olderPageAnchor(w, 10)).toBe(8);
    const page = { before: 8, generation: w.generation, rows: rows(7, 6), full: true };
    const joined = appendOlder(w, page, 10, 10);
    expect(idsOf(joined!)).toEqual([10, 9, 8, 7, 6]);
    expect(joined!.hasMore).toBe(true);
    expect(appendOlder(w, { ...page, full: false }, 10, 10)!.hasMore).toBe(false);
    // the window moved (trimmed) or was replaced meanwhile: dropped
    const trimmed = prependNewer(w, rows(11), 3);
    expect(appendOlder(trimmed, page, 11, 10)).toBeNull();
    expect(appendOlder(replaceWindow(w, rows(10, 9, 8), true, 10), page, 10, 10)).toBeNull();
  });

  it('an empty window asks for rows below the cursor', () => {
    const w = replaceWindow(emptyWindow(), [], true, 10);
    expect(olderPageAnchor(w, 41)).toBe(42);
    expect(idsOf(appendOlder(w, { before: 42, generation: w.generation, rows: rows(41, 40), full: false }, 41, 10)!)).toEqual([41, 40]);
  });
});

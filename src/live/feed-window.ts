import type { ActivityItem, FeedWindow, OlderPage } from './types';

// The feed is a window on the caller's visible activity log. Invariant: `items` is always one
// contiguous run of that log, newest first, without duplicates. Rows only ever join at the two
// ends: newer rows from a sync (every visible row after the cursor), older rows from a page that
// starts right below the oldest row held. Trimming cuts only the old end and sets `hasMore`.

export function emptyWindow(generation = 0): FeedWindow {
  return { items: [], hasMore: false, generation };
}

/** The `p_before` an older page must be asked with to join this window. */
export function olderPageAnchor(window: FeedWindow, cursor: number): number {
  return window.items.at(-1)?.id ?? cursor + 1;
}

function trim(items: ActivityItem[], hasMore: boolean, cap: number): { items: ActivityItem[]; hasMore: boolean } {
  return items.length > cap ? { items: items.slice(0, cap), hasMore: true } : { items, hasMore };
}

function newestFirst(rows: readonly ActivityItem[]): ActivityItem[] {
  const seen = new Set<number>();
  const out: ActivityItem[] = [];
  for (const row of [...rows].sort((a, b) => b.id - a.id)) {
    if (seen.has(row.id)) continue;
    seen.add(row.id);
    out.push(row);
  }
  return out;
}

/** A snapshot: the rows are the newest run of the log; the old window is gone. */
export function replaceWindow(previous: FeedWindow, rows: readonly ActivityItem[], hasMore: boolean, cap: number): FeedWindow {
  return { ...trim(newestFirst(rows), hasMore, cap), generation: previous.generation + 1 };
}

/** Every visible row after the window's newest (a complete sync answer): they go on top. */
export function prependNewer(window: FeedWindow, rows: readonly ActivityItem[], cap: number): FeedWindow {
  if (rows.length === 0 && window.items.length <= cap) return window;
  const top = window.items[0]?.id ?? Number.NEGATIVE_INFINITY;
  // rows at or below the top are already held (an answer repeated): never twice
  const fresh = newestFirst(rows.filter((row) => row.id > top));
  return { ...trim([...fresh, ...window.items], window.hasMore, cap), generation: window.generation };
}

/**
 * An older page joins only the window it was asked for, right below its oldest row; otherwise
 * null (the caller drops it and asks again from the new oldest row).
 */
export function appendOlder(window: FeedWindow, page: OlderPage, cursor: number, cap: number): FeedWindow | null {
  if (page.generation !== window.generation || page.before !== olderPageAnchor(window, cursor)) return null;
  const rows = newestFirst(page.rows.filter((row) => row.id < page.before));
  return { ...trim([...window.items, ...rows], page.full, cap), generation: window.generation };
}

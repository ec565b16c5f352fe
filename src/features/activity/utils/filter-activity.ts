import type { ActivityItem } from '@/live/types';

/**
 * A view-level pause: everything up to `pausedAtId` stays on screen, newer items wait. Older pages
 * loaded while paused still show (they are below the cut, not above it). `held` is what was on
 * screen already: the live feed is capped, so a busy shop pushes those items out of it while the
 * reader is still on them; they stay visible until the pause ends.
 */
export function splitAtPause(
  items: readonly ActivityItem[],
  pausedAtId: number | null,
  held: readonly ActivityItem[] = [],
): { visible: ActivityItem[]; pending: ActivityItem[] } {
  if (pausedAtId === null) return { visible: [...items], pending: [] };
  const below = new Map<number, ActivityItem>();
  for (const i of held) if (i.id <= pausedAtId) below.set(i.id, i);
  const pending: ActivityItem[] = [];
  for (const i of items) {
    if (i.id > pausedAtId) pending.push(i);
    else below.set(i.id, i);
  }
  return { visible: [...below.values()].sort((a, b) => b.id - a.id), pending };
}

/**
 * The capped feed no longer reaches back to the pause (ids skip rows RLS hides, so only "nothing at
 * or below the cut is left" counts): more arrived than it keeps, so the count is a floor.
 */
export function pendingOverflow(items: readonly ActivityItem[], pausedAtId: number | null): boolean {
  const oldest = items.at(-1);
  return pausedAtId !== null && pausedAtId > 0 && oldest !== undefined && oldest.id > pausedAtId;
}

export function newestId(items: readonly ActivityItem[]): number {
  return items.reduce((max, i) => (i.id > max ? i.id : max), 0);
}

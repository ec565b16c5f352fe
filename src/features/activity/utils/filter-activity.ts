import type { ActivityItem, EntityType } from '@/live/types';

export function filterByTypes(items: readonly ActivityItem[], types: ReadonlySet<EntityType>): ActivityItem[] {
  return items.filter((i) => types.has(i.entityType));
}

/**
 * A view-level pause: everything up to `pausedAtId` stays on screen, newer items wait. Older pages
 * loaded while paused still show (they are below the cut, not above it).
 */
export function splitAtPause(
  items: readonly ActivityItem[],
  pausedAtId: number | null,
): { visible: ActivityItem[]; pending: ActivityItem[] } {
  if (pausedAtId === null) return { visible: [...items], pending: [] };
  const visible: ActivityItem[] = [];
  const pending: ActivityItem[] = [];
  for (const i of items) (i.id > pausedAtId ? pending : visible).push(i);
  return { visible, pending };
}

export function newestId(items: readonly ActivityItem[]): number {
  return items.reduce((max, i) => (i.id > max ? i.id : max), 0);
}

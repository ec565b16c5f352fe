import type { ActivityItem } from './types';

/**
 * Merges items into a newest-first feed: one entry per id (the later copy wins), ordered by id
 * descending, capped to the newest `cap`. Pure; returns the same array when nothing changed.
 */
export function applyActivity(feed: readonly ActivityItem[], incoming: readonly ActivityItem[], cap: number): ActivityItem[] {
  if (incoming.length === 0 && feed.length <= cap) return feed as ActivityItem[];
  const byId = new Map<number, ActivityItem>();
  for (const item of feed) byId.set(item.id, item);
  for (const item of incoming) byId.set(item.id, item);
  const merged = [...byId.values()].sort((a, b) => b.id - a.id);
  return merged.length > cap ? merged.slice(0, cap) : merged;
}

/** Highest id in the feed, or the given fallback. */
export function maxActivityId(items: readonly ActivityItem[], fallback: number): number {
  let max = fallback;
  for (const item of items) if (item.id > max) max = item.id;
  return max;
}

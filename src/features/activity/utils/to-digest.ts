import type { ActivityItem, EntityType } from '@/live/types';

const NOUNS: Record<EntityType, [string, string]> = {
  ticket: ['ticket update', 'ticket updates'],
  order: ['order update', 'order updates'],
  customer: ['customer update', 'customer updates'],
  product: ['product update', 'product updates'],
};

/** One short sentence for screen readers about everything that arrived since the last one. */
export function toDigest(items: readonly ActivityItem[]): string {
  if (items.length === 0) return '';
  const counts = new Map<EntityType, number>();
  for (const i of items) counts.set(i.entityType, (counts.get(i.entityType) ?? 0) + 1);
  const parts = [...counts].map(([type, n]) => `${n} ${NOUNS[type]?.[n === 1 ? 0 : 1] ?? 'updates'}`);
  return `${items.length} new ${items.length === 1 ? 'event' : 'events'}: ${parts.join(', ')}`;
}

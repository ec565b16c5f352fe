import { isObject, ParseError, requireArray, requireInt, requireObject, requireString, requireTimestamp } from './parse';
import type { ActivityItem, ActivityKind, ActivityPage, EntityType } from '@/live/types';

// activity_feed rows, parsed once for every request that returns them (activity_feed, dashboard_sync).
const KINDS: ReadonlySet<string> = new Set<ActivityKind>([
  'ticket_created', 'ticket_status_changed', 'ticket_deleted', 'order_placed', 'order_status_changed',
  'order_deleted', 'customer_registered', 'customer_updated', 'customer_deleted', 'product_created',
  'product_updated', 'product_deleted',
]);
const ENTITY_TYPES: ReadonlySet<string> = new Set<EntityType>(['ticket', 'order', 'customer', 'product']);

type SummaryValue = ActivityItem['summary'][string];

function toSummaryValue(value: unknown): SummaryValue | undefined {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return undefined;
}

function toSummary(value: unknown): ActivityItem['summary'] {
  const out: ActivityItem['summary'] = {};
  if (!isObject(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    const parsed = toSummaryValue(v);
    if (parsed !== undefined) out[key] = parsed;
  }
  return out;
}

/** One activity_feed row → ActivityItem; throws on rows the UI could not render. */
export function parseActivityRow(row: unknown): ActivityItem {
  const o = requireObject(row, 'activity_feed row');
  const kind = requireString(o.kind, 'activity_feed.kind');
  const entityType = requireString(o.entity_type, 'activity_feed.entity_type');
  if (!KINDS.has(kind)) throw new ParseError(`Unknown activity kind: ${kind}`);
  if (!ENTITY_TYPES.has(entityType)) throw new ParseError(`Unknown entity type: ${entityType}`);
  return {
    id: requireInt(o.id, 'activity_feed.id'),
    kind: kind as ActivityKind,
    entityType: entityType as EntityType,
    entityId: requireString(o.entity_id, 'activity_feed.entity_id'),
    occurredAt: requireTimestamp(o.occurred_at, 'activity_feed.occurred_at'),
    summary: toSummary(o.summary),
  };
}

/**
 * Rows the UI cannot render (unknown kind from a newer migration) are skipped, not fatal, but still
 * reported through `maxId` so the cursor moves past them.
 */
export function parseActivityFeed(data: unknown): ActivityPage {
  const rows = requireArray(data, 'activity_feed');
  const items: ActivityItem[] = [];
  let maxId: number | null = null;
  let skipped = 0;
  for (const row of rows) {
    const id = isObject(row) ? requireInt(row.id, 'activity_feed.id') : null;
    if (id !== null && (maxId === null || id > maxId)) maxId = id;
    try {
      items.push(parseActivityRow(row));
    } catch {
      skipped += 1;
    }
  }
  return { items, rowCount: rows.length, maxId, skipped };
}


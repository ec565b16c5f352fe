import { toApiError } from '@/lib/api-error';
import { isObject, requireArray, requireInt, requireObject, requireString, requireTimestamp } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityItem, ActivityKind, ActivityPage, EntityType } from '@/live/types';

export interface GetActivityFeedParams {
  limit: number;
  /** ids > after, oldest first (catch-up). */
  after?: number;
  /** ids < before, newest first (older pages). */
  before?: number;
}

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
  if (!KINDS.has(kind)) throw new TypeError(`Unknown activity kind: ${kind}`);
  if (!ENTITY_TYPES.has(entityType)) throw new TypeError(`Unknown entity type: ${entityType}`);
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

export async function getActivityFeed(client: AppSupabaseClient, params: GetActivityFeedParams): Promise<ActivityPage> {
  const args: { p_limit: number; p_after?: number; p_before?: number } = { p_limit: params.limit };
  if (params.after !== undefined) args.p_after = params.after;
  if (params.before !== undefined) args.p_before = params.before;
  const { data, error, status } = await client.rpc('activity_feed', args);
  if (error) throw toApiError(error, status);
  return parseActivityFeed(data);
}

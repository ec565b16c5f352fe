import { toApiError } from '@/lib/api-error';
import { isObject, requireArray, requireObject, toInt } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { ActivityItem, EntityType } from '@/live/types';
import type { EntityDetail, EntityRecord, OrderLine } from '../types';
import { parseActivityRow } from './get-activity-feed';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => toInt(v);

function parseLines(value: unknown): OrderLine[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(isObject).map((l) => ({
    productId: str(l.product_id),
    name: str(l.name) ?? 'Unknown product',
    sku: str(l.sku),
    quantity: int(l.quantity) ?? 0,
    unitPriceCents: int(l.unit_price_cents) ?? 0,
  }));
}

function parseRecord(type: EntityType, e: Json): EntityRecord {
  switch (type) {
    case 'ticket':
      return {
        type,
        number: int(e.number),
        customerId: str(e.customer_id),
        customerName: str(e.customer_name),
        device: str(e.device),
        issue: str(e.issue),
        status: str(e.status),
        priority: str(e.priority),
        openedAt: str(e.created_at),
        closedAt: str(e.closed_at),
      };
    case 'order':
      return {
        type,
        number: int(e.number),
        customerId: str(e.customer_id),
        customerName: str(e.customer_name),
        status: str(e.status),
        totalCents: int(e.total_cents),
        itemCount: int(e.item_count),
        items: parseLines(e.items),
      };
    case 'customer':
      return { type, name: str(e.full_name), email: str(e.email), phone: str(e.phone), openTickets: int(e.open_tickets) };
    case 'product':
      return { type, name: str(e.name), sku: str(e.sku), priceCents: int(e.price_cents), stock: int(e.stock) };
  }
}

/** entity_detail's jsonb → EntityDetail. History rows the UI cannot render are left out, like in the feed. */
export function parseEntityDetail(type: EntityType, data: unknown): EntityDetail {
  const o = requireObject(data, 'entity_detail');
  const history: ActivityItem[] = [];
  for (const row of requireArray(o.history, 'entity_detail.history')) {
    try {
      history.push(parseActivityRow(row));
    } catch {
      // an unknown kind from a newer migration: skipped, as in the feed
    }
  }
  history.sort((a, b) => b.id - a.id);
  return {
    record: o.entity === null || o.entity === undefined ? null : parseRecord(type, requireObject(o.entity, 'entity_detail.entity')),
    deleted: o.deleted === true,
    history,
    historyComplete: o.history_complete !== false,
  };
}

/** One entity's current record and history. Support asking for an order gets ApiError 42501. */
export async function getEntityDetail(client: AppSupabaseClient, params: { type: EntityType; id: string }): Promise<EntityDetail> {
  const { data, error, status } = await client.rpc('entity_detail', { p_type: params.type, p_id: params.id });
  if (error) throw toApiError(error, status);
  return parseEntityDetail(params.type, data);
}

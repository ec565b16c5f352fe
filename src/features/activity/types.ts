import type { FeedState as LiveFeedState } from '@/live/dashboard-data';
import type { ActivityItem, EntityType } from '@/live/types';

export const CURRENCY = 'USD';

export const ACTIVITY_FILTERS: readonly { type: EntityType; label: string; param: string }[] = [
  { type: 'ticket', label: 'Tickets', param: 'tickets' },
  { type: 'order', label: 'Orders', param: 'orders' },
  { type: 'customer', label: 'Customers', param: 'customers' },
  { type: 'product', label: 'Products', param: 'products' },
];

export const LATEST_ACTIVITY_LIMIT = 20;
/** rows per search page (activity_feed caps p_limit at 500) */
export const SEARCH_PAGE_SIZE = 50;
/** activity_feed refuses longer queries (22023); the input stops there */
export const MAX_QUERY_LENGTH = 200;

export const TICKET_STATUSES = ['open', 'in_progress', 'waiting_parts', 'ready', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** What the server is asked to match; an empty filter means the live feed. */
export interface ActivityFilter {
  /** trimmed search text, '' for none */
  q: string;
  kind: EntityType | null;
  /** only with kind 'ticket' */
  status: TicketStatus | null;
  priority: TicketPriority | null;
}

export interface EntityRef {
  type: EntityType;
  id: string;
}

/** Everything /activity keeps in its URL. */
export interface ActivityView extends ActivityFilter {
  open: EntityRef | null;
}

/** What the feed components render (the window's generation is the engine's business). */
export type FeedState = Omit<LiveFeedState, 'generation'>;

export interface TicketRecord {
  type: 'ticket';
  number: number | null;
  /** what the panel shows of the customer (their name) changes with them */
  customerId?: string | null;
  customerName: string | null;
  device: string | null;
  issue: string | null;
  status: string | null;
  priority: string | null;
  openedAt: string | null;
  closedAt: string | null;
}

export interface OrderLine {
  /** the line shows the product's current name and SKU */
  productId?: string | null;
  name: string;
  sku: string | null;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderRecord {
  type: 'order';
  number: number | null;
  customerId?: string | null;
  customerName: string | null;
  status: string | null;
  totalCents: number | null;
  itemCount: number | null;
  /** null when deleted (the log does not keep the lines) */
  items: OrderLine[] | null;
}

export interface CustomerRecord {
  type: 'customer';
  name: string | null;
  email: string | null;
  phone: string | null;
  openTickets: number | null;
}

export interface ProductRecord {
  type: 'product';
  name: string | null;
  sku: string | null;
  priceCents: number | null;
  stock: number | null;
}

export type EntityRecord = TicketRecord | OrderRecord | CustomerRecord | ProductRecord;

/** entity_detail's answer: the current record (or the last known one, if deleted) and its history. */
export interface EntityDetail {
  /** null: nothing by that id, neither now nor in the log */
  record: EntityRecord | null;
  deleted: boolean;
  /** newest first */
  history: ActivityItem[];
  /** false when the server kept back older rows (it sends at most 200) */
  historyComplete: boolean;
}

export type ConnectionState = 'connecting' | 'live' | 'polling' | 'offline' | 'paused';

export interface ConnectionInfo {
  state: ConnectionState;
  since: number;
  lastEventAt: number | null;
  reconnectAttempts: number;
  eventsReceived: number;
  pollsMade: number;
  pollIntervalMs: number | null;
  lastCommitToScreenMs: number | null;
  droppedPayloads: number;
  rpcErrors: number;
  lastError: string | null;
}

export type EntityType = 'ticket' | 'order' | 'customer' | 'product';

export type ActivityKind =
  | 'ticket_created'
  | 'ticket_status_changed'
  | 'ticket_deleted'
  | 'order_placed'
  | 'order_status_changed'
  | 'order_deleted'
  | 'customer_registered'
  | 'customer_updated'
  | 'customer_deleted'
  | 'product_created'
  | 'product_updated'
  | 'product_deleted';

export interface ActivityItem {
  id: number;
  kind: ActivityKind;
  entityType: EntityType;
  entityId: string;
  occurredAt: string;
  summary: Record<string, string | number | string[] | null>;
}

export interface KpiValues {
  totalRevenueCents: number | null;
  productsSold: number | null;
  ordersCount: number | null;
  activeRepairs: number;
  newTickets24h: number;
}

export interface Kpis extends KpiValues {
  asOf: string;
  previous: KpiValues;
}

export interface RevenuePoint {
  bucketStart: string;
  revenueCents: number;
  ordersCount: number;
}

/** 24h → hour buckets, else day buckets (UTC). */
export type RevenueRange = '24h' | '7d' | '30d' | '90d';

export type Loadable<T> = { status: 'loading' | 'ready' | 'error'; data: T | null; error: string | null };

export type StaffRole = 'admin' | 'support';

export interface StaffUser {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
}

export interface TicketStatusCount {
  status: string;
  count: number;
}

/** The statuses that still need work, in the order the overview lists them. */
export type ActiveTicketStatus = 'open' | 'in_progress' | 'waiting_parts' | 'ready';

/** One active status on the overview's tickets card (dashboard_sync's `ticket_aging.active[i]`). */
export interface TicketAgingRow {
  status: ActiveTicketStatus;
  count: number;
  /** how many of `count` are urgent / high priority */
  urgent: number;
  high: number;
  /** creation time of the oldest ticket in this status; null when there is none */
  oldestCreatedAt: string | null;
  /** its age when the server answered, in seconds; null when there is none */
  oldestSeconds: number | null;
}

/** dashboard_sync's `ticket_aging`, parsed: the four active statuses, then what ended in 30 days. */
export interface TicketAging {
  active: TicketAgingRow[];
  done30d: { closed: number; cancelled: number };
}

/** What dashboard_kpis returns beyond the KPIs the UI shows. */
export interface KpiSnapshot {
  kpis: Kpis;
  /** Highest activity_log id when the KPIs were computed (0 if none). */
  cursor: number;
  role: StaffRole;
}

/** A page of activity_feed rows: renderable items plus the highest id seen (unknown kinds are skipped). */
export interface ActivityPage {
  items: ActivityItem[];
  rowCount: number;
  maxId: number | null;
  skipped: number;
}

export interface SessionInfo {
  accessToken: string;
  /** Unix seconds, as in supabase-js sessions. */
  expiresAt: number | null;
}

export type DashboardPart = 'kpis' | 'revenue' | 'ticketStatus' | 'feed';

export interface LiveCommands {
  pause(): void;
  resume(): void;
  setRevenueRange(range: RevenueRange): void;
  loadOlderActivity(): void;
  retry(part: DashboardPart): void;
  signIn(email: string, password: string): Promise<{ error: string | null }>;
  signOut(): Promise<void>;
}

import type { EntityType } from '@/live/types';
import {
  ACTIVITY_FILTERS,
  MAX_QUERY_LENGTH,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type ActivityFilter,
  type ActivityView,
  type EntityRef,
  type TicketPriority,
  type TicketStatus,
} from '../types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTITY_TYPES: readonly EntityType[] = ['ticket', 'order', 'customer', 'product'];

export const EMPTY_FILTER: ActivityFilter = { q: '', kind: null, status: null, priority: null };

function pick<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

export function kindFromParam(value: string | null): EntityType | null {
  return ACTIVITY_FILTERS.find((f) => f.param === value)?.type ?? null;
}

export function kindToParam(kind: EntityType): string {
  return ACTIVITY_FILTERS.find((f) => f.type === kind)?.param ?? kind;
}

/** "ticket:<uuid>" → EntityRef; anything else (a truncated link, an unknown kind) → null. */
export function parseEntityRef(value: string | null): EntityRef | null {
  if (!value) return null;
  const [type, id, ...rest] = value.split(':');
  if (rest.length > 0 || !type || !id || !UUID.test(id)) return null;
  const t = pick(type, ENTITY_TYPES);
  return t ? { type: t, id: id.toLowerCase() } : null;
}

export function formatEntityRef(ref: EntityRef): string {
  return `${ref.type}:${ref.id}`;
}

/**
 * The URL's view. Unknown values are dropped, not errors (a hand-edited link still opens the
 * page); status and priority only count with kind=tickets, as the UI offers them only there.
 */
export function parseView(params: URLSearchParams): ActivityView {
  const kind = kindFromParam(params.get('kind'));
  const tickets = kind === 'ticket';
  return {
    q: (params.get('q') ?? '').slice(0, MAX_QUERY_LENGTH),
    kind,
    status: tickets ? pick<TicketStatus>(params.get('status'), TICKET_STATUSES) : null,
    priority: tickets ? pick<TicketPriority>(params.get('priority'), TICKET_PRIORITIES) : null,
    open: parseEntityRef(params.get('open')),
  };
}

/** The canonical query string of a view (fixed order, defaults left out), without the "?". */
export function toViewSearch(view: ActivityView): string {
  const params = new URLSearchParams();
  if (view.q !== '') params.set('q', view.q);
  if (view.kind) params.set('kind', kindToParam(view.kind));
  if (view.kind === 'ticket' && view.status) params.set('status', view.status);
  if (view.kind === 'ticket' && view.priority) params.set('priority', view.priority);
  if (view.open) params.set('open', formatEntityRef(view.open));
  return params.toString();
}

/** What the server is asked: the query trimmed (typing a trailing space does not re-search). */
export function toFilter(view: ActivityFilter): ActivityFilter {
  const tickets = view.kind === 'ticket';
  return {
    q: view.q.trim().replace(/\s+/g, ' '),
    kind: view.kind,
    status: tickets ? view.status : null,
    priority: tickets ? view.priority : null,
  };
}

/** activity_feed matches at most this many words (more is 22023) */
export const MAX_QUERY_WORDS = 8;

/** What is wrong with a query before it is sent (the server would refuse it), or null. */
export function queryProblem(q: string): string | null {
  const words = q === '' ? 0 : q.split(' ').length;
  if (words > MAX_QUERY_WORDS) return `Search with at most ${MAX_QUERY_WORDS} words (this has ${words}).`;
  if (q.length > MAX_QUERY_LENGTH) return `Search with at most ${MAX_QUERY_LENGTH} characters.`;
  return null;
}

export function isFiltered(filter: ActivityFilter): boolean {
  return filter.q !== '' || filter.kind !== null || filter.status !== null || filter.priority !== null;
}

export function filterKey(filter: ActivityFilter): string {
  return JSON.stringify([filter.q, filter.kind, filter.status, filter.priority]);
}

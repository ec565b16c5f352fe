import type { ActivityFilter } from '../types';
import { ACTIVITY_FILTERS } from '../types';
import { humanize } from './to-sentence';

/** A filter in words for the empty state: "“iphone” in tickets (status Ready, priority Urgent)". */
export function describeFilter(filter: ActivityFilter): string {
  const parts: string[] = [];
  parts.push(filter.q ? `“${filter.q}”` : 'these filters');
  const kind = ACTIVITY_FILTERS.find((f) => f.type === filter.kind);
  if (kind) parts.push(`in ${kind.label.toLowerCase()}`);
  const extra = [filter.status && `status ${humanize(filter.status)}`, filter.priority && `priority ${humanize(filter.priority)}`].filter(Boolean);
  if (extra.length > 0) parts.push(`(${extra.join(', ')})`);
  return parts.join(' ');
}

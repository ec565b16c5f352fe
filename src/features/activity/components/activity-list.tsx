import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { ActivityRow, type ItemLink } from './activity-row';

export interface ActivityListProps {
  items: readonly ActivityItem[];
  label: string;
  locale?: string;
  linkFor?: (item: ActivityItem) => ItemLink | null;
  /** index of the first item seen before this visit; the "new since" divider goes above it */
  dividerAt?: number | null;
}

export function ActivityList({ items, label, locale, linkFor, dividerAt = null }: ActivityListProps) {
  const now = useNow(5_000);
  const rows = (slice: readonly ActivityItem[]) =>
    slice.map((item) => <ActivityRow key={item.id} item={item} now={now} locale={locale} link={linkFor?.(item)} />);
  if (dividerAt === null || dividerAt <= 0 || dividerAt >= items.length) {
    return (
      <ol className="activity-list" aria-label={label}>
        {rows(items)}
      </ol>
    );
  }
  return (
    <>
      <ol className="activity-list" aria-label={`${label}: new since your last visit`}>
        {rows(items.slice(0, dividerAt))}
      </ol>
      <p className="activity-divider" data-testid="new-since-divider">
        <span>New since your last visit ↑</span>
      </p>
      <ol className="activity-list" aria-label={`${label}: seen before`}>
        {rows(items.slice(dividerAt))}
      </ol>
    </>
  );
}

export function ActivitySkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <ol className="activity-list" aria-busy="true" aria-label="Loading activity">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="activity-item">
          <span className="skeleton activity-item__icon" aria-hidden="true" />
          <span className="skeleton" aria-hidden="true" style={{ height: '1rem', width: `${60 + ((i * 13) % 30)}%` }} />
        </li>
      ))}
    </ol>
  );
}

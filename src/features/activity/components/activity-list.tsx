import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { ActivityRow } from './activity-row';

export interface ActivityListProps {
  items: readonly ActivityItem[];
  label: string;
  locale?: string;
}

export function ActivityList({ items, label, locale }: ActivityListProps) {
  const now = useNow(5_000);
  return (
    <ol className="activity-list" aria-label={label}>
      {items.map((item) => (
        <ActivityRow key={item.id} item={item} now={now} locale={locale} />
      ))}
    </ol>
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

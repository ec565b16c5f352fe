import { Link } from 'react-router-dom';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import type { ActivityItem } from '@/live/types';
import { LATEST_ACTIVITY_LIMIT, type FeedState } from '../types';
import type { ItemLink } from './activity-row';
import { ActivityList, ActivitySkeleton } from './activity-list';

export interface LatestActivityProps {
  feed: FeedState;
  onRetry: () => void;
  locale?: string;
  /** each item opens its panel on /activity */
  linkFor?: (item: ActivityItem) => ItemLink | null;
}

export function LatestActivity({ feed, onRetry, locale, linkFor }: LatestActivityProps) {
  const items = feed.items.slice(0, LATEST_ACTIVITY_LIMIT);
  let body;
  if (items.length > 0) body = <ActivityList items={items} label="Latest activity" locale={locale} linkFor={linkFor} />;
  else if (feed.status === 'error') body = <ErrorState title="Couldn't load activity" error={feed.error} onRetry={onRetry} />;
  else if (feed.status === 'loading') body = <ActivitySkeleton />;
  else body = <EmptyState title="No activity yet">Tickets, orders and customers show up here as they change.</EmptyState>;

  return (
    <Card
      title="Latest activity"
      data-testid="activity-feed"
      actions={<Link to="/activity">View all activity</Link>}
    >
      {items.length > 0 && feed.error && (
        <ErrorState title="Couldn't refresh activity" error={feed.error} onRetry={onRetry} />
      )}
      {body}
    </Card>
  );
}

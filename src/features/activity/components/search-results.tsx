import type { ActivityItem } from '@/live/types';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import type { SearchState } from '../stores/search-reducer';
import { dividerIndex } from '../utils/new-since';
import { ActivityList, ActivitySkeleton } from './activity-list';
import type { ItemLink } from './activity-row';
import { FeedAnnouncer } from './feed-announcer';
import { LoadMore } from './load-more';

export interface SearchResultsProps {
  search: SearchState;
  onLoadOlder: () => void;
  onRetry: () => void;
  locale?: string;
  linkFor?: (item: ActivityItem) => ItemLink | null;
  dividerId?: number | null;
  /** what was searched, in words, for the empty state ("“iphone” in tickets") */
  describe: string;
}

/** The server's answer to a search or filter, paged into the past and kept live (the list's body, inside ActivityFeed's frame). */
export function SearchResults({ search, onLoadOlder, onRetry, locale, linkFor, dividerId = null, describe }: SearchResultsProps) {
  const { items, status, error } = search;
  let body;
  if (status === 'loading' && items.length === 0) body = <ActivitySkeleton rows={6} />;
  else if (status === 'error') body = <ErrorState title="Couldn't search the activity" error={error} onRetry={onRetry} />;
  else if (items.length === 0)
    body = (
      <EmptyState title="No matching activity">
        Nothing matches {describe}. Try fewer words, or another kind.
      </EmptyState>
    );
  else body = <ActivityList items={items} label="Matching activity" locale={locale} linkFor={linkFor} dividerAt={dividerIndex(items, dividerId)} />;

  return (
    <div className="activity-search-results" aria-busy={status === 'loading' || undefined}>
      <p className="activity-feed__summary muted" role="status">
        {status === 'ready' ? `${items.length}${search.hasMore ? '+' : ''} matching ${items.length === 1 ? 'item' : 'items'}` : status === 'loading' ? 'Searching…' : ''}
      </p>
      <FeedAnnouncer items={items} loaded={status === 'ready'} epoch={search.seen.epoch} />
      {status === 'ready' && error && <ErrorState title="Couldn't refresh the results" error={error} onRetry={onRetry} />}
      {body}
      {status === 'ready' && items.length > 0 && (
        <>
          {search.olderError && <ErrorState title="Couldn't load older results" error={search.olderError} onRetry={onRetry} />}
          <LoadMore
            hasMore={search.hasMore}
            loading={search.loadingOlder}
            ready={!search.olderError}
            onLoadOlder={onLoadOlder}
            endText="That's every match in the log."
          />
        </>
      )}
    </div>
  );
}

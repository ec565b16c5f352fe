import { useState, type ReactNode } from 'react';
import type { ActivityItem } from '@/live/types';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import type { FeedState } from '../types';
import { feedPauseStep, NOT_PAUSED, type FeedPauseEvent } from '../utils/feed-pause';
import { pendingOverflow, splitAtPause } from '../utils/filter-activity';
import { dividerIndex } from '../utils/new-since';
import { ActivityList, ActivitySkeleton } from './activity-list';
import type { ItemLink } from './activity-row';
import { FeedAnnouncer } from './feed-announcer';
import { FeedShell } from './feed-shell';
import { LoadMore } from './load-more';
import { TicketAlertsToggle } from './ticket-alerts-toggle';

export interface ActivityFeedProps {
  feed: FeedState;
  /** the log the feed's ids belong to (the pause, the alerts and the digest start over in another) */
  epoch: string | null;
  onLoadOlder: () => void;
  onRetry: () => void;
  locale?: string;
  toolbar?: ReactNode;
  linkFor?: (item: ActivityItem) => ItemLink | null;
  /** newest id seen before this visit (the divider), null for none */
  dividerId?: number | null;
  /**
   * While a search or filter is active: its results, shown instead of the live list. The frame,
   * and the alerts toggle with its state, stay the same; the pause is for the live feed only.
   */
  searchBody?: ReactNode;
}

/** /activity's list: the live feed, or the search results handed in as `searchBody`. */
export function ActivityFeed({ feed, epoch, onLoadOlder, onRetry, locale, toolbar, linkFor, dividerId = null, searchBody }: ActivityFeedProps) {
  const [pauseState, setPause] = useState(NOT_PAUSED);
  // derived during render: keep what reached the screen while paused (older pages too), even once
  // the capped feed drops it; another epoch cuts again
  const pause = feedPauseStep(pauseState, { type: 'feed', epoch, items: feed.items });
  if (pause !== pauseState) setPause(pause);
  const { pausedAtId } = pause;
  const split = splitAtPause(feed.items, pausedAtId, pause.held);
  const paused = pausedAtId !== null;
  const visible = split.visible;
  const pending = split.pending;
  const overflow = pendingOverflow(feed.items, pausedAtId);

  const dispatchPause = (event: FeedPauseEvent) => setPause(feedPauseStep(pause, event));
  const pauseAtNewest = () => dispatchPause({ type: 'pause', epoch, items: feed.items });
  const resume = () => dispatchPause({ type: 'resume' });

  let body;
  if (feed.items.length === 0 && feed.status === 'loading') body = <ActivitySkeleton rows={10} />;
  else if (feed.items.length === 0 && feed.status === 'error')
    body = <ErrorState title="Couldn't load activity" error={feed.error} onRetry={onRetry} />;
  else if (visible.length === 0)
    body = <EmptyState title="No activity yet">Changes to tickets, orders, customers and products show up here.</EmptyState>;
  else body = <ActivityList items={visible} label="Activity" locale={locale} linkFor={linkFor} dividerAt={dividerIndex(visible, dividerId)} />;

  const searching = searchBody !== undefined && searchBody !== null;
  const actions = (
    <>
      {!searching && (
        <Button size="small" aria-pressed={paused} onClick={paused ? resume : pauseAtNewest}>
          {paused ? 'Resume feed' : 'Pause feed'}
        </Button>
      )}
      <TicketAlertsToggle items={feed.items} epoch={epoch} />
    </>
  );

  const liveBody = (
    <>
      {paused && (
        <div className="activity-feed__paused" role="status">
          {pending.length > 0 ? (
            <Button size="small" variant="primary" onClick={pauseAtNewest}>
              {pending.length}
              {overflow ? '+' : ''} new — show
            </Button>
          ) : (
            <span className="muted">Feed paused. New activity will wait here.</span>
          )}
        </div>
      )}
      <FeedAnnouncer items={visible} loaded={feed.status === 'ready'} epoch={epoch} />
      {feed.items.length > 0 && feed.error && <ErrorState title="Couldn't refresh activity" error={feed.error} onRetry={onRetry} />}
      {body}
      {feed.items.length > 0 && (
        <LoadMore
          hasMore={feed.hasMore}
          loading={feed.loadingOlder}
          ready={feed.status === 'ready'}
          onLoadOlder={onLoadOlder}
          endText="That's everything: you've reached the start of the log."
        />
      )}
    </>
  );

  return (
    <FeedShell toolbar={toolbar} actions={actions}>
      {searching ? searchBody : liveBody}
    </FeedShell>
  );
}

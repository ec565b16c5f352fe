import { useMemo, useState } from 'react';
import type { ActivityItem, EntityType, StaffRole } from '@/live/types';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMoreSentinel } from '@/components/ui/load-more-sentinel';
import type { FeedState } from '../types';
import { filterByTypes, newestId, pendingOverflow, splitAtPause } from '../utils/filter-activity';
import { ActivityFilters } from './activity-filters';
import { ActivityList, ActivitySkeleton } from './activity-list';
import { FeedAnnouncer } from './feed-announcer';
import { TicketAlertsToggle } from './ticket-alerts-toggle';

export interface ActivityFeedProps {
  feed: FeedState;
  role: StaffRole;
  onLoadOlder: () => void;
  onRetry: () => void;
  locale?: string;
}

function typesFor(role: StaffRole): EntityType[] {
  return role === 'admin' ? ['ticket', 'order', 'customer', 'product'] : ['ticket', 'customer', 'product'];
}

export function ActivityFeed({ feed, role, onLoadOlder, onRetry, locale }: ActivityFeedProps) {
  const available = typesFor(role);
  const [selected, setSelected] = useState<ReadonlySet<EntityType>>(() => new Set(available));
  const [pausedAtId, setPausedAtId] = useState<number | null>(null);
  const [held, setHeld] = useState<readonly ActivityItem[]>([]);

  const split = useMemo(() => splitAtPause(feed.items, pausedAtId, held), [feed.items, pausedAtId, held]);
  const paused = pausedAtId !== null;
  // keep what reached the screen while paused (older pages too), even once the capped feed drops it
  if (paused && split.visible.length !== held.length) setHeld(split.visible);
  const visible = useMemo(() => filterByTypes(split.visible, selected), [split.visible, selected]);
  const pending = useMemo(() => filterByTypes(split.pending, selected), [split.pending, selected]);
  const overflow = pendingOverflow(feed.items, pausedAtId);

  function pauseAtNewest() {
    setPausedAtId(newestId(feed.items));
    setHeld(feed.items);
  }

  function resume() {
    setPausedAtId(null);
    setHeld([]);
  }

  function toggleType(type: EntityType) {
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  }

  const loadOlder = () => {
    if (feed.hasMore && !feed.loadingOlder && feed.status === 'ready') onLoadOlder();
  };

  let body;
  if (feed.items.length === 0 && feed.status === 'loading') body = <ActivitySkeleton rows={10} />;
  else if (feed.items.length === 0 && feed.status === 'error')
    body = <ErrorState title="Couldn't load activity" error={feed.error} onRetry={onRetry} />;
  else if (visible.length === 0)
    body = (
      <EmptyState title={feed.items.length === 0 ? 'No activity yet' : 'Nothing matches these filters'}>
        {feed.items.length === 0 ? 'Changes to tickets, orders, customers and products show up here.' : 'Pick another kind above.'}
      </EmptyState>
    );
  else body = <ActivityList items={visible} label="Activity" locale={locale} />;

  return (
    <section className="card activity-feed" data-testid="activity-feed" aria-label="Activity feed">
      <div className="activity-feed__toolbar">
        <ActivityFilters available={available} selected={selected} onToggle={toggleType} />
        <div className="activity-feed__actions">
          <Button size="small" aria-pressed={paused} onClick={paused ? resume : pauseAtNewest}>
            {paused ? 'Resume feed' : 'Pause feed'}
          </Button>
          <TicketAlertsToggle items={feed.items} />
        </div>
      </div>
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
      <FeedAnnouncer items={visible} loaded={feed.status === 'ready'} />
      {feed.items.length > 0 && feed.error && (
        <ErrorState title="Couldn't refresh activity" error={feed.error} onRetry={onRetry} />
      )}
      {body}
      {feed.items.length > 0 && (
        <div className="activity-feed__more">
          {feed.hasMore ? (
            <>
              <LoadMoreSentinel onVisible={loadOlder} disabled={feed.loadingOlder || feed.status !== 'ready'} />
              <Button size="small" onClick={onLoadOlder} disabled={feed.loadingOlder}>
                {feed.loadingOlder ? 'Loading older activity…' : 'Load older activity'}
              </Button>
            </>
          ) : (
            <span className="muted">That's everything: you've reached the start of the log.</span>
          )}
        </div>
      )}
    </section>
  );
}

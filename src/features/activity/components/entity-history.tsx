import { useId } from 'react';
import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { formatAbsoluteTime, formatRelativeTime } from '../utils/format-relative-time';
import { toSentence } from '../utils/to-sentence';

export interface EntityHistoryProps {
  items: readonly ActivityItem[];
  complete: boolean;
  locale?: string;
}

/** What happened to this entity, newest first, straight from the activity log. */
export function EntityHistory({ items, complete, locale }: EntityHistoryProps) {
  const now = useNow(10_000);
  const titleId = useId();
  return (
    <section className="entity-history" aria-labelledby={titleId}>
      <h3 id={titleId} className="entity-history__title">
        History
      </h3>
      {items.length === 0 ? (
        <p className="muted">Nothing in the activity log yet.</p>
      ) : (
        <ol className="entity-history__list">
          {items.map((item) => (
            <li key={item.id} data-testid="entity-history-item" data-activity-id={item.id} className="entity-history__item">
              <span>{toSentence(item, { locale })}</span>
              <time className="muted" dateTime={item.occurredAt} title={formatAbsoluteTime(item.occurredAt, locale)}>
                {formatRelativeTime(item.occurredAt, now, locale)}
              </time>
            </li>
          ))}
        </ol>
      )}
      {!complete && <p className="muted">Only the latest {items.length} changes are shown.</p>}
    </section>
  );
}

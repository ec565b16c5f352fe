import type { ActivityItem, EntityType } from '@/live/types';
import { formatAbsoluteTime, formatRelativeTime } from '../utils/format-relative-time';
import { toSentence } from '../utils/to-sentence';

// Letters, not emoji: emoji fonts are missing on many Linux desktops.
const ICONS: Record<EntityType, string> = { ticket: 'T', order: 'O', customer: 'C', product: 'P' };

export interface ActivityRowProps {
  item: ActivityItem;
  now: number;
  locale?: string;
}

export function ActivityRow({ item, now, locale }: ActivityRowProps) {
  const full = formatAbsoluteTime(item.occurredAt, locale);
  return (
    <li className={`activity-item activity-item--${item.entityType}`} data-testid="activity-item" data-activity-id={item.id}>
      <span className="activity-item__icon" aria-hidden="true">
        {ICONS[item.entityType] ?? '•'}
      </span>
      <span className="activity-item__text">{toSentence(item, { locale })}</span>
      <time className="activity-item__time muted" dateTime={item.occurredAt} title={full}>
        {formatRelativeTime(item.occurredAt, now, locale)}
      </time>
    </li>
  );
}

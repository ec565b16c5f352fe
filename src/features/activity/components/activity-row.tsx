import { Link, type To } from 'react-router-dom';
import type { ActivityItem, EntityType } from '@/live/types';
import { formatAbsoluteTime, formatRelativeTime } from '../utils/format-relative-time';
import { toSentence } from '../utils/to-sentence';

// Letters, not emoji: emoji fonts are missing on many Linux desktops.
const ICONS: Record<EntityType, string> = { ticket: 'T', order: 'O', customer: 'C', product: 'P' };

export interface ItemLink {
  to: To;
  state?: unknown;
}

export interface ActivityRowProps {
  item: ActivityItem;
  now: number;
  locale?: string;
  /** where the sentence leads (the entity's panel); a plain sentence without it */
  link?: ItemLink | null;
}

export function ActivityRow({ item, now, locale, link }: ActivityRowProps) {
  const full = formatAbsoluteTime(item.occurredAt, locale);
  const sentence = toSentence(item, { locale });
  return (
    <li
      className={`activity-item activity-item--${item.entityType}${link ? ' activity-item--link' : ''}`}
      data-testid="activity-item"
      data-activity-id={item.id}
      data-entity-id={item.entityId}
    >
      <span className="activity-item__icon" aria-hidden="true">
        {ICONS[item.entityType] ?? '•'}
      </span>
      {link ? (
        <Link className="activity-item__text activity-item__link" to={link.to} state={link.state}>
          {sentence}
        </Link>
      ) : (
        <span className="activity-item__text">{sentence}</span>
      )}
      <time className="activity-item__time muted" dateTime={item.occurredAt} title={full}>
        {formatRelativeTime(item.occurredAt, now, locale)}
      </time>
    </li>
  );
}

import { useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { newestId } from '../utils/filter-activity';
import { toDigest } from '../utils/to-digest';

export const DIGEST_INTERVAL_MS = 10_000;
const KEEP = 5;

interface Digest {
  tick: number;
  /** newest id already accounted for; null until the feed's first load (that is not news) */
  baseline: number | null;
  messages: { key: number; text: string }[];
}

export interface FeedAnnouncerProps {
  items: readonly ActivityItem[];
  /** the feed has loaded once: what it holds from then on is the baseline, not "new" */
  loaded: boolean;
}

/**
 * The feed's live region. Screen readers hear one digest per interval ("3 new events: 2 ticket
 * updates, 1 order update"), never every event, and never the first page of the feed.
 */
export function FeedAnnouncer({ items, loaded }: FeedAnnouncerProps) {
  const now = useNow(DIGEST_INTERVAL_MS);
  const top = newestId(items);
  const [digest, setDigest] = useState<Digest>({ tick: now, baseline: loaded ? top : null, messages: [] });

  if (digest.baseline === null && loaded) {
    setDigest({ ...digest, baseline: top });
  } else if (digest.baseline !== null && digest.tick !== now) {
    const baseline = digest.baseline;
    const text = toDigest(items.filter((i) => i.id > baseline));
    setDigest({
      tick: now,
      baseline: Math.max(top, baseline),
      messages: text ? [...digest.messages, { key: now, text }].slice(-KEEP) : digest.messages,
    });
  }

  return (
    <div role="log" aria-live="polite" aria-label="Activity updates" className="visually-hidden">
      {digest.messages.map((m) => (
        <p key={m.key}>{m.text}</p>
      ))}
    </div>
  );
}

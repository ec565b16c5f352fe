import { useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { digestStep, initialDigest } from '../utils/digest-state';

export const DIGEST_INTERVAL_MS = 10_000;

export interface FeedAnnouncerProps {
  items: readonly ActivityItem[];
  /** the feed has loaded once: what it holds from then on is the baseline, not "new" */
  loaded: boolean;
  /** the log the items' ids belong to: another one is a new baseline, not news */
  epoch: string | null;
}

/**
 * The feed's live region. Screen readers hear one digest per interval ("3 new events: 2 ticket
 * updates, 1 order update"), never every event, and never the first page of the feed.
 */
export function FeedAnnouncer({ items, loaded, epoch }: FeedAnnouncerProps) {
  const now = useNow(DIGEST_INTERVAL_MS);
  const input = { tick: now, epoch, items, loaded };
  const [digest, setDigest] = useState(() => initialDigest(input));
  const next = digestStep(digest, input);
  if (next !== digest) setDigest(next);

  return (
    <div role="log" aria-live="polite" aria-label="Activity updates" className="visually-hidden">
      {digest.messages.map((m) => (
        <p key={m.key}>{m.text}</p>
      ))}
    </div>
  );
}

import { useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { useNow } from '@/components/ui/use-now';
import { newestId } from '../utils/filter-activity';
import { toDigest } from '../utils/to-digest';

export const DIGEST_INTERVAL_MS = 10_000;
const KEEP = 5;

interface Digest {
  tick: number;
  baseline: number;
  messages: { key: number; text: string }[];
}

/**
 * The feed's live region. Screen readers hear one digest per interval ("3 new events: 2 ticket
 * updates, 1 order update"), never every event.
 */
export function FeedAnnouncer({ items }: { items: readonly ActivityItem[] }) {
  const now = useNow(DIGEST_INTERVAL_MS);
  const top = newestId(items);
  const [digest, setDigest] = useState<Digest>({ tick: now, baseline: top, messages: [] });

  if (digest.tick !== now) {
    const fresh = items.filter((i) => i.id > digest.baseline);
    const text = toDigest(fresh);
    setDigest({
      tick: now,
      baseline: Math.max(top, digest.baseline),
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

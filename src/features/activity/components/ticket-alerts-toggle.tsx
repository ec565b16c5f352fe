import { useEffect, useRef, useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { Button } from '@/components/ui/button';
import { newestId } from '../utils/filter-activity';
import {
  newTicketsSince,
  playChime,
  requestNotificationPermission,
  showTicketNotification,
  type AlertPermission,
} from '../utils/ticket-alerts';

/** Desktop notification and a chime for new tickets. Permission is asked only when clicked. */
export function TicketAlertsToggle({ items }: { items: readonly ActivityItem[] }) {
  const [enabled, setEnabled] = useState(false);
  const [permission, setPermission] = useState<AlertPermission | null>(null);
  const seen = useRef(0);

  useEffect(() => {
    if (!enabled) return;
    const fresh = newTicketsSince(items, seen.current);
    if (fresh.length === 0) return;
    seen.current = Math.max(seen.current, newestId(items));
    fresh.slice(-3).forEach(showTicketNotification);
    playChime();
  }, [items, enabled]);

  async function toggle() {
    if (enabled) {
      setEnabled(false);
      return;
    }
    seen.current = newestId(items);
    setEnabled(true);
    setPermission(await requestNotificationPermission());
  }

  return (
    <span className="ticket-alerts">
      <Button size="small" aria-pressed={enabled} onClick={toggle}>
        {enabled ? 'New-ticket alerts on' : 'Alert me on new tickets'}
      </Button>
      {enabled && permission && permission !== 'granted' && (
        <span className="muted ticket-alerts__note" role="status">
          Desktop notifications {permission === 'unsupported' ? 'are not supported' : 'are blocked'}; sound only.
        </span>
      )}
    </span>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { ActivityItem } from '@/live/types';
import { Button } from '@/components/ui/button';
import { playChime, requestNotificationPermission, showTicketNotification, type AlertPermission } from '../utils/ticket-alerts';
import { ALERTS_OFF, alertsStep, type AlertsEvent } from '../utils/ticket-alerts-state';

/**
 * Desktop notification and a chime for new tickets of the log `epoch`. Permission is asked only
 * when clicked.
 */
export function TicketAlertsToggle({ items, epoch }: { items: readonly ActivityItem[]; epoch: string | null }) {
  const [enabled, setEnabled] = useState(false);
  const [permission, setPermission] = useState<AlertPermission | null>(null);
  const alerts = useRef(ALERTS_OFF);
  const step = (event: AlertsEvent) => {
    const next = alertsStep(alerts.current, event);
    alerts.current = next.state;
    return next.fresh;
  };

  useEffect(() => {
    const fresh = step({ type: 'feed', epoch, items });
    if (fresh.length === 0) return;
    fresh.slice(-3).forEach(showTicketNotification);
    playChime();
  }, [items, epoch]);

  async function toggle() {
    if (enabled) {
      step({ type: 'disable' });
      setEnabled(false);
      return;
    }
    step({ type: 'enable', epoch, items });
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

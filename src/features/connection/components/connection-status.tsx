import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { dateTimeFormat, numberFormat } from '@/lib/intl-formats';
import type { ConnectionInfo } from '@/live/types';
import { useDismiss } from '@/components/ui/use-dismiss';
import { describeState, formatDelay, toStatusLabel } from '../utils/to-status-label';

export interface ConnectionStatusProps {
  info: ConnectionInfo;
  locale?: string;
}

function formatClock(ms: number | null, locale?: string): string {
  if (ms === null) return 'None yet';
  return dateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(ms));
}

/** The connection badge in the header; a click opens the details. */
export function ConnectionStatus({ info, locale }: ConnectionStatusProps) {
  const [open, setOpen] = useState(false);
  const popoverId = useId();
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  const close = useCallback(() => {
    // focus inside the details would be lost with them: hand it back to the badge
    if (popover.current?.contains(document.activeElement)) trigger.current?.focus();
    setOpen(false);
  }, []);
  useDismiss(root, open, close);
  useEffect(() => {
    if (open) popover.current?.focus();
  }, [open]);
  const label = toStatusLabel(info, locale);
  const n = (v: number) => numberFormat(locale, {}).format(v);

  return (
    <div className="connection" ref={root}>
      <button
        ref={trigger}
        type="button"
        className={`button button--small connection__badge connection__badge--${info.state}`}
        data-testid="connection-status"
        data-state={info.state}
        aria-expanded={open}
        aria-controls={popoverId}
        aria-label={`Connection: ${label}. Show details`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="connection__dot" aria-hidden="true" />
        <span className="connection__label">{label}</span>
      </button>
      {open && (
        <div className="popover" id={popoverId} role="dialog" aria-label="Connection details" tabIndex={-1} ref={popover}>
          <p className="connection__description">{describeState(info.state)}</p>
          <dl className="details-list">
            <dt>Last event</dt>
            <dd>{formatClock(info.lastEventAt, locale)}</dd>
            <dt>Reconnect attempts</dt>
            <dd>{n(info.reconnectAttempts)}</dd>
            <dt>Events received</dt>
            <dd>{n(info.eventsReceived)}</dd>
            <dt>Commit to screen</dt>
            <dd>{formatDelay(info.lastCommitToScreenMs, locale)}</dd>
            <dt>Polls made</dt>
            <dd>{n(info.pollsMade)}</dd>
          </dl>
          {info.lastError && <p className="state__detail">Last error: {info.lastError}</p>}
        </div>
      )}
    </div>
  );
}

import type { ReactNode } from 'react';

export interface FeedShellProps {
  /** search and filters, on the left */
  toolbar: ReactNode;
  /** pause, alerts ... on the right */
  actions?: ReactNode;
  children: ReactNode;
}

/** The /activity list's frame: the same test id and landmark whether it shows the live feed or a search. */
export function FeedShell({ toolbar, actions, children }: FeedShellProps) {
  return (
    <section className="card activity-feed" data-testid="activity-feed" aria-label="Activity feed">
      <div className="activity-feed__toolbar">
        {toolbar}
        {actions && <div className="activity-feed__actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

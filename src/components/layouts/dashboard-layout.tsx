import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router-dom';

export interface DashboardLayoutProps {
  /** Header controls on the right: connection status, live toggle, theme, user. */
  actions: ReactNode;
  children: ReactNode;
  /** The pointer or focus is on a nav link to `to`: a chance to fetch that page's code. */
  onNavIntent?: (to: string) => void;
}

export function DashboardLayout({ actions, children, onNavIntent }: DashboardLayoutProps) {
  const intent = (to: string) =>
    onNavIntent && { onPointerEnter: () => onNavIntent(to), onFocus: () => onNavIntent(to), onTouchStart: () => onNavIntent(to) };
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="app-header__brand" {...intent('/')}>
          Repair Shop
        </Link>
        <nav className="app-nav" aria-label="Main">
          <NavLink to="/" end {...intent('/')}>
            Overview
          </NavLink>
          <NavLink to="/activity" {...intent('/activity')}>
            Activity
          </NavLink>
        </nav>
        <div className="app-header__actions">{actions}</div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

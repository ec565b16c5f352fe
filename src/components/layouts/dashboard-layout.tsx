import type { ReactNode } from 'react';
import { Link, NavLink } from 'react-router-dom';

export interface DashboardLayoutProps {
  /** Header controls on the right: connection status, live toggle, theme, user. */
  actions: ReactNode;
  children: ReactNode;
}

export function DashboardLayout({ actions, children }: DashboardLayoutProps) {
  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="app-header__brand">
          Repair Shop
        </Link>
        <nav className="app-nav" aria-label="Main">
          <NavLink to="/" end>
            Overview
          </NavLink>
          <NavLink to="/activity">Activity</NavLink>
        </nav>
        <div className="app-header__actions">{actions}</div>
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

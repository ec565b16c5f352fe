import { Component, type ReactNode } from 'react';
import { BrowserRouter, useLocation, useRoutes, type RouteObject } from 'react-router-dom';
import { ActivityPage, OverviewPage } from './lazy-routes';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { ProtectedRoute } from './routes/protected';
import { RouteError } from './routes/route-error';

// React Router's declarative mode (BrowserRouter + useRoutes): the app has no loaders, actions or
// fetchers, and the data router costs ~16 KB more gzip in the first load. Navigations are still
// transitions, so a page whose code is missing keeps the old page on screen until it arrives.
//
// The login, the signed-in shell and the not-found page are in the first load; the overview and
// the activity page are code-split and preloaded (src/app/lazy-routes.ts).
export const routes: RouteObject[] = [
  { path: '/login', element: <LoginRoute /> },
  {
    element: <ProtectedRoute />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'activity', element: <ActivityPage /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

interface BoundaryProps {
  /** A new value (another navigation) clears a shown error. */
  resetKey: string;
  children: ReactNode;
}

/** A page that throws (a render error, its code failing to load) shows RouteError in its place. */
class RouteErrorBoundary extends Component<BoundaryProps, { error: unknown; key: string }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error: error ?? new Error('Unknown error') };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: { error: unknown; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    return this.state.error ? <RouteError error={this.state.error} /> : this.props.children;
  }
}

/** The page for the current URL; needs a router above it (BrowserRouter here, MemoryRouter in tests). */
export function AppRoutes() {
  const location = useLocation();
  const page = useRoutes(routes);
  return <RouteErrorBoundary resetKey={location.key}>{page}</RouteErrorBoundary>;
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <AppRoutes />
    </BrowserRouter>
  );
}

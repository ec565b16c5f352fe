import { isRouteErrorResponse, Link, useRouteError } from 'react-router-dom';
import { ErrorState } from '@/components/ui/error-state';

export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <main className="app-main">
      <ErrorState title="This page failed to load" error={message} onRetry={() => window.location.reload()} />
      <Link to="/">Back to the overview</Link>
    </main>
  );
}

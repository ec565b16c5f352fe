import { Link } from 'react-router-dom';
import { ErrorState } from '@/components/ui/error-state';

export function RouteError({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : 'Unknown error';
  return (
    <main className="app-main">
      <ErrorState title="This page failed to load" error={message} onRetry={() => window.location.reload()} />
      <Link to="/">Back to the overview</Link>
    </main>
  );
}

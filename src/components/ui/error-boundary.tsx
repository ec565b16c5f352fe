import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from './button';

interface Props {
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/** Last line of defence: a readable message and a reload instead of a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Dashboard crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="auth-layout">
        <div className="card auth-card" role="alert">
          <h1>Something went wrong</h1>
          <p className="state__detail">{this.state.error.message}</p>
          <Button variant="primary" onClick={() => window.location.reload()}>
            Reload the dashboard
          </Button>
        </div>
      </main>
    );
  }
}

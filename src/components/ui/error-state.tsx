import { Button } from './button';

export interface ErrorStateProps {
  title: string;
  error?: string | null;
  onRetry?: () => void;
}

export function ErrorState({ title, error, onRetry }: ErrorStateProps) {
  return (
    <div className="state state--error" role="alert">
      <span className="state__title">{title}</span>
      {error && <span className="state__detail">{error}</span>}
      {onRetry && (
        <Button size="small" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}

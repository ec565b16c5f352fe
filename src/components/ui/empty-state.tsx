import type { ReactNode } from 'react';

export interface EmptyStateProps {
  title: string;
  children?: ReactNode;
}

export function EmptyState({ title, children }: EmptyStateProps) {
  return (
    <div className="state">
      <span className="state__title">{title}</span>
      {children && <span className="state__detail">{children}</span>}
    </div>
  );
}

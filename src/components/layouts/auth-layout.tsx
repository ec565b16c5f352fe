import type { ReactNode } from 'react';

export interface AuthLayoutProps {
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}

export function AuthLayout({ title, actions, children }: AuthLayoutProps) {
  return (
    <main className="auth-layout">
      <div className="card auth-card">
        <div className="card__header">
          <h1>{title}</h1>
          {actions}
        </div>
        {children}
      </div>
    </main>
  );
}

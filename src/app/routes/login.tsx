import { Navigate, useLocation } from 'react-router-dom';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { LoginForm } from '@/features/auth/components/login-form';
import { isLocalSupabase } from '@/features/auth/utils/is-local-supabase';
import { ThemeToggle } from '@/features/theme/components/theme-toggle';
import { getEnv } from '@/config/env';
import { useLiveCommands, useSessionStore } from '@/live';

function supabaseUrl(): string | null {
  try {
    return getEnv().supabaseUrl;
  } catch {
    return null;
  }
}

export function LoginRoute() {
  const status = useSessionStore((s) => s.status);
  const message = useSessionStore((s) => s.message);
  const { signIn } = useLiveCommands();
  const location = useLocation();
  const from = (location.state as { from?: { pathname: string; search: string } } | null)?.from;

  if (status === 'signed-in') return <Navigate to={from ? `${from.pathname}${from.search}` : '/'} replace />;
  return (
    <AuthLayout title="Sign in to the dashboard" actions={<ThemeToggle />}>
      <title>Sign in · Repair Shop</title>
      <LoginForm onSignIn={signIn} message={message} showDemoLogins={isLocalSupabase(supabaseUrl())} />
    </AuthLayout>
  );
}

import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { FullPageLoader } from '@/components/ui/full-page-loader';
import { UserMenuSection } from '@/features/auth/components/user-menu-section';
import { ConnectionStatusSection, LiveToggleSection } from '@/features/connection/components/connection-section';
import { ThemeToggle } from '@/features/theme/components/theme-toggle';
import { useSessionStore } from '@/live';

/** Signed-in staff only; everyone else goes to /login and comes back afterwards. */
export function ProtectedRoute() {
  const status = useSessionStore((s) => s.status);
  const location = useLocation();
  if (status === 'loading') return <FullPageLoader label="Checking your session…" />;
  if (status === 'signed-out') return <Navigate to="/login" replace state={{ from: location }} />;
  return (
    <DashboardLayout
      actions={
        <>
          <ConnectionStatusSection />
          <LiveToggleSection />
          <ThemeToggle />
          <UserMenuSection />
        </>
      }
    >
      <Outlet />
    </DashboardLayout>
  );
}

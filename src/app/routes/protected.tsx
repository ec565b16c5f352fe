import { Suspense, useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { DashboardLayout } from '@/components/layouts/dashboard-layout';
import { FullPageLoader } from '@/components/ui/full-page-loader';
import { UserMenuSection } from '@/features/auth/components/user-menu-section';
import { ConnectionStatusSection, LiveToggleSection } from '@/features/connection/components/connection-section';
import { ThemeToggle } from '@/features/theme/components/theme-toggle';
import { useSessionStore } from '@/live';
import { preloadAdminCodeWhenIdle, preloadRoute } from '../lazy-routes';

/** Signed-in staff only; everyone else goes to /login and comes back afterwards. */
export function ProtectedRoute() {
  const status = useSessionStore((s) => s.status);
  const isAdmin = useSessionStore((s) => s.user?.role === 'admin');
  const location = useLocation();
  useEffect(() => {
    if (isAdmin) preloadAdminCodeWhenIdle();
  }, [isAdmin]);
  if (status === 'loading') return <FullPageLoader label="Checking your session…" />;
  if (status === 'signed-out') return <Navigate to="/login" replace state={{ from: location }} />;
  return (
    <DashboardLayout
      onNavIntent={preloadRoute}
      actions={
        <>
          <ConnectionStatusSection />
          <LiveToggleSection />
          <ThemeToggle />
          <UserMenuSection />
        </>
      }
    >
      {/* Only a cold first load waits here: navigations are transitions (the old page stays until
          the new one is ready) and every page's code is preloaded. */}
      <Suspense fallback={<FullPageLoader label="Loading the page…" />}>
        <Outlet />
      </Suspense>
    </DashboardLayout>
  );
}

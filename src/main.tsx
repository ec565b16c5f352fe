import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { preloadRoute, preloadRoutesWhenIdle } from '@/app/lazy-routes';
import { AppProvider } from '@/app/provider';
import { AppRouter } from '@/app/router';
import { ErrorBoundary } from '@/components/ui/error-boundary';
import { preloadLive } from '@/live';
import { applyTheme } from '@/features/theme/utils/theme';
import '@/styles/index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Before the first paint, so a stored dark theme never flashes light.
applyTheme();

// The live engine's code and the page asked for, fetched now, side by side, rather than one after
// the other (the engine checks the session once it has loaded).
void preloadLive().catch(() => undefined); // useLiveEngine reports a failure
preloadRoute(window.location.pathname);

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <AppProvider>
        <AppRouter />
      </AppProvider>
    </ErrorBoundary>
  </StrictMode>,
);

// The other pages' code, once the first page has painted and the browser is idle.
preloadRoutesWhenIdle();

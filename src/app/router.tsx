import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ActivityPage, OverviewPage } from './lazy-routes';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { ProtectedRoute } from './routes/protected';
import { RouteError } from './routes/route-error';

// The login, the signed-in shell and the not-found page are in the first load; the overview and
// the activity page are code-split and preloaded (src/app/lazy-routes.ts).
export const routes = [
  { path: '/login', element: <LoginRoute />, errorElement: <RouteError /> },
  {
    element: <ProtectedRoute />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <OverviewPage /> },
      { path: 'activity', element: <ActivityPage /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

const router = createBrowserRouter(routes);

export function AppRouter() {
  return <RouterProvider router={router} />;
}

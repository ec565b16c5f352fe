import { createBrowserRouter, RouterProvider } from 'react-router-dom';
import { ActivityRoute } from './routes/activity';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview';
import { ProtectedRoute } from './routes/protected';
import { RouteError } from './routes/route-error';

export const routes = [
  { path: '/login', element: <LoginRoute />, errorElement: <RouteError /> },
  {
    element: <ProtectedRoute />,
    errorElement: <RouteError />,
    children: [
      { index: true, element: <OverviewRoute /> },
      { path: 'activity', element: <ActivityRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

const router = createBrowserRouter(routes);

export function AppRouter() {
  return <RouterProvider router={router} />;
}

import { dashboardSuite } from './support/dashboard-suite';

// The same story with the app built for postgres_changes (per-table channels, one sync per change).
dashboardSuite('postgres_changes');

import { dashboardSuite } from './support/dashboard-suite';

// The dashboard's story with the default build (the default transport).
dashboardSuite();

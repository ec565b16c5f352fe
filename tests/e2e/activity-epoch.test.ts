import { activityEpochSuite } from './support/activity-epoch-suite';

// Issue 17, cases 5 and 7 on /activity, in the default transport (broadcast).
activityEpochSuite();

import { activityEpochSuite } from './support/activity-epoch-suite';

// The same story with the app built for postgres_changes: the table pushes name the changed rows.
activityEpochSuite('postgres_changes');

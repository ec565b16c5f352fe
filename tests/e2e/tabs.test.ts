import { tabsSuite } from './support/tabs-suite';

// Tabs of one browser in the default transport (postgres_changes).
tabsSuite('postgres_changes');

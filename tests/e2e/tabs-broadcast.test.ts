import { tabsSuite } from './support/tabs-suite';

// The same tabs story with the app built in broadcast mode: one leader joins the private topic; hand-over, pause and sign-out as in postgres_changes mode.
tabsSuite('broadcast');

import { initialDashboardData } from '../dashboard-reducer';
import type { ViewStores } from '../stores/store-types';
import type { RevenueRange } from '../types';
import { revenueFor } from './revenue-view';
import type { RevenueSlice, TabSnapshot } from './tab-messages';

/**
 * The stores the components read, fed from the leader's snapshots. "Pause live" freezes this tab's
 * dashboard and shows Paused; the session stays live (a sign-out elsewhere still signs this tab out).
 */
export function createTabView(stores: ViewStores, wallNow: () => number = Date.now) {
  let snapshot: TabSnapshot | null = null;
  /** what the dashboard shows while paused */
  let frozen: TabSnapshot | null = null;
  let paused = false;
  let range: RevenueRange = stores.dashboard.getState().revenue.range;
  let shownRevenue: RevenueSlice | null = null;

  function renderDashboard(from: TabSnapshot) {
    const revenue = revenueFor(range, from.dashboard.revenue, from.extras, shownRevenue);
    shownRevenue = revenue;
    stores.dashboard.setState({ ...from.dashboard, revenue });
  }

  function render() {
    if (!snapshot) return;
    const { session } = snapshot;
    const current = stores.session.getState();
    if (current.status !== session.status || current.user !== session.user || current.message !== session.message) {
      stores.session.setState({ status: session.status, user: session.user, message: session.message });
    }
    if (paused) return;
    renderDashboard(snapshot);
    stores.connection.setState(snapshot.connection);
  }

  return {
    show(next: TabSnapshot) {
      snapshot = next;
      render();
    },
    current: () => snapshot,
    isPaused: () => paused,
    range: () => range,
    setPaused(next: boolean) {
      if (next === paused) return;
      paused = next;
      if (paused) {
        frozen = snapshot;
        stores.connection.setState({ state: 'paused', since: wallNow() });
      } else {
        frozen = null;
        render();
      }
    },
    setRange(next: RevenueRange) {
      if (next === range) return;
      range = next;
      shownRevenue = null;
      const from = paused ? frozen : snapshot;
      if (from) renderDashboard(from);
      else stores.dashboard.setState({ revenue: { status: 'loading', data: null, error: null, range } });
    },
    /** signed in or out: the tab shows nothing of the previous session */
    signedOut(message: string | null) {
      snapshot = null;
      frozen = null;
      paused = false;
      shownRevenue = null;
      stores.dashboard.setState(initialDashboardData(range));
      stores.session.setState({ status: 'signed-out', user: null, message });
    },
    signedIn(user: NonNullable<TabSnapshot['session']['user']>) {
      stores.session.setState({ status: 'signed-in', user, message: null });
    },
    loading() {
      stores.session.setState({ status: 'loading' });
    },
  };
}

export type TabView = ReturnType<typeof createTabView>;

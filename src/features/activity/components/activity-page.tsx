import { useCallback, useMemo, useRef, useState } from 'react';
import type { ActivityItem, StaffRole } from '@/live/types';
import { EmptyState } from '@/components/ui/empty-state';
import { useDashboardStore, useLiveCommands, useSessionStore } from '@/live';
import { useActivitySearch } from '../hooks/use-activity-search';
import { useActivityView } from '../hooks/use-activity-view';
import { useEntityDetail } from '../hooks/use-entity-detail';
import { useLiveMark } from '../hooks/use-live-mark';
import { useNewSince } from '../hooks/use-new-since';
import { useShortcuts } from '../hooks/use-shortcuts';
import { canOpen, KIND_NAMES, kindsFor } from '../utils/can-open';
import { describeFilter } from '../utils/describe-filter';
import { itemLinkFor, moveItemFocus } from '../utils/move-focus';
import { toTabTitle } from '../utils/new-since';
import type { ShortcutAction } from '../utils/shortcuts';
import { filterKey, isFiltered, queryProblem, toFilter } from '../utils/view-params';
import { ActivityFeed } from './activity-feed';
import { ActivityToolbar } from './activity-toolbar';
import { EntityPanel } from './entity-panel';
import { SearchResults } from './search-results';
import { ShortcutsDialog } from './shortcuts-dialog';

export const ACTIVITY_TITLE = 'Activity · Repair Shop';

/** /activity: the live feed or a search, the drill-down panel, shortcuts; all state from the URL and the stores. */
export function ActivityPage({ locale }: { locale?: string }) {
  const user = useSessionStore((s) => s.user);
  if (!user) return null;
  // a new agent in this tab starts from nothing of the previous one's (search answers, divider)
  return <ActivityPageFor key={user.id} userId={user.id} role={user.role} locale={locale} />;
}

function ActivityPageFor({ userId, role, locale }: { userId: string; role: StaffRole; locale?: string }) {
  const feed = useDashboardStore((s) => s.feed);
  const mark = useLiveMark();
  const { retry, loadOlderActivity } = useLiveCommands();
  const { view, setQuery, setFilter, openLink, close } = useActivityView();
  const kinds = kindsFor(role);
  const kindAllowed = view.kind === null || canOpen(role, view.kind);
  const wanted = useMemo(() => toFilter(view), [view]);
  const problem = queryProblem(wanted.q);
  const filter = isFiltered(wanted) && kindAllowed && !problem ? wanted : null;
  const search = useActivitySearch(filter, mark);
  const target = view.open;
  const entity = useEntityDetail(target && canOpen(role, target.type) ? target : null, mark);
  const { dividerId, unseen } = useNewSince(userId, mark.epoch, feed.items);
  const [help, setHelp] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);

  useShortcuts((action: ShortcutAction) => {
    if (action === 'focus-search') searchRef.current?.focus();
    else if (action === 'help') setHelp(true);
    else moveItemFocus(listRef.current, action === 'next' ? 1 : -1);
  }, target === null && !help);

  const linkFor = useCallback(
    (item: ActivityItem) => (canOpen(role, item.entityType) ? openLink({ type: item.entityType, id: item.entityId }) : null),
    [role, openLink],
  );
  const fallbackFocus = useCallback(
    () => (target ? itemLinkFor(listRef.current, target.id) : null) ?? searchRef.current,
    [target],
  );

  const toolbar = (
    <ActivityToolbar view={view} kinds={kinds} onQuery={setQuery} onFilter={setFilter} onShowShortcuts={() => setHelp(true)} searchRef={searchRef} />
  );
  let searchBody = null;
  if (problem) {
    searchBody = (
      <p className="alert alert--error" role="alert">
        {problem}
      </p>
    );
  } else if (!kindAllowed && view.kind) {
    searchBody = <EmptyState title={`${KIND_NAMES[view.kind]}s are not available for your role`}>Pick another kind above.</EmptyState>;
  } else if (filter) {
    searchBody = (
      <SearchResults
        key={filterKey(filter)}
        search={search.state}
        onLoadOlder={search.loadOlder}
        onRetry={search.retry}
        locale={locale}
        linkFor={linkFor}
        dividerId={dividerId}
        describe={describeFilter(filter)}
      />
    );
  }
  const list = (
    <ActivityFeed
      feed={feed}
      epoch={mark.epoch}
      onLoadOlder={loadOlderActivity}
      onRetry={() => retry('feed')}
      locale={locale}
      toolbar={toolbar}
      linkFor={linkFor}
      dividerId={dividerId}
      searchBody={searchBody}
    />
  );

  return (
    <>
      <title>{toTabTitle(ACTIVITY_TITLE, unseen)}</title>
      <div ref={listRef}>{list}</div>
      {target && (
        <EntityPanel
          target={target}
          role={role}
          state={entity.state}
          onClose={close}
          onRetry={entity.retry}
          fallbackFocus={fallbackFocus}
          locale={locale}
        />
      )}
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
    </>
  );
}

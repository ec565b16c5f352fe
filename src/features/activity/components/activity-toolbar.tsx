import type { Ref } from 'react';
import type { EntityType } from '@/live/types';
import { Button } from '@/components/ui/button';
import type { ActivityFilter, ActivityView } from '../types';
import { KindFilter } from './kind-filter';
import { SearchBox } from './search-box';
import { TicketFilters } from './ticket-filters';

export interface ActivityToolbarProps {
  view: ActivityView;
  kinds: readonly EntityType[];
  onQuery: (q: string) => void;
  onFilter: (patch: Partial<ActivityFilter>) => void;
  onShowShortcuts: () => void;
  searchRef?: Ref<HTMLInputElement>;
}

export function ActivityToolbar({ view, kinds, onQuery, onFilter, onShowShortcuts, searchRef }: ActivityToolbarProps) {
  return (
    <div className="activity-toolbar">
      <div className="activity-toolbar__row">
        <SearchBox value={view.q} onChange={onQuery} inputRef={searchRef} />
        <Button size="small" variant="ghost" aria-haspopup="dialog" onClick={onShowShortcuts}>
          <kbd>?</kbd> Shortcuts
        </Button>
      </div>
      <div className="activity-toolbar__row">
        <KindFilter
          available={kinds}
          selected={view.kind}
          onSelect={(kind) => onFilter(kind === 'ticket' ? { kind } : { kind, status: null, priority: null })}
        />
        {view.kind === 'ticket' && <TicketFilters status={view.status} priority={view.priority} onChange={onFilter} />}
      </div>
    </div>
  );
}

import type { EntityType } from '@/live/types';
import { Button } from '@/components/ui/button';
import { ACTIVITY_FILTERS } from '../types';

export interface ActivityFiltersProps {
  available: readonly EntityType[];
  selected: ReadonlySet<EntityType>;
  onToggle: (type: EntityType) => void;
}

export function ActivityFilters({ available, selected, onToggle }: ActivityFiltersProps) {
  return (
    <div className="segmented" role="group" aria-label="Show activity for">
      {ACTIVITY_FILTERS.filter((f) => available.includes(f.type)).map((f) => (
        <Button key={f.type} size="small" aria-pressed={selected.has(f.type)} onClick={() => onToggle(f.type)}>
          {f.label}
        </Button>
      ))}
    </div>
  );
}

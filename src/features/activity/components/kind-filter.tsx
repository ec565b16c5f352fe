import type { EntityType } from '@/live/types';
import { Button } from '@/components/ui/button';
import { ACTIVITY_FILTERS } from '../types';

export interface KindFilterProps {
  available: readonly EntityType[];
  selected: EntityType | null;
  onSelect: (kind: EntityType | null) => void;
}

/** One kind at a time, or all; the server applies it (activity_feed's p_types). */
export function KindFilter({ available, selected, onSelect }: KindFilterProps) {
  return (
    <div className="segmented" role="group" aria-label="Show activity for">
      <Button size="small" aria-pressed={selected === null} onClick={() => onSelect(null)}>
        All
      </Button>
      {ACTIVITY_FILTERS.filter((f) => available.includes(f.type)).map((f) => (
        <Button key={f.type} size="small" aria-pressed={selected === f.type} onClick={() => onSelect(selected === f.type ? null : f.type)}>
          {f.label}
        </Button>
      ))}
    </div>
  );
}

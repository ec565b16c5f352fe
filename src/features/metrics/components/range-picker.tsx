import type { RevenueRange } from '@/live/types';
import { Button } from '@/components/ui/button';
import { RANGE_LABELS, REVENUE_RANGES } from '../types';

export interface RangePickerProps {
  value: RevenueRange;
  onChange: (range: RevenueRange) => void;
}

export function RangePicker({ value, onChange }: RangePickerProps) {
  return (
    <div className="segmented" role="group" aria-label="Revenue range">
      {REVENUE_RANGES.map((range) => (
        <Button key={range} size="small" aria-pressed={range === value} onClick={() => onChange(range)}>
          {RANGE_LABELS[range]}
        </Button>
      ))}
    </div>
  );
}

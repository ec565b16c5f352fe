import type { Change } from '../types';
import { formatCount, formatMoneyCents, formatPercent, type FormatOptions } from './format-number';

/** Compares a KPI with its previous period. Money deltas are formatted as money, counts as counts. */
export function toChange(
  current: number,
  previous: number | null | undefined,
  kind: 'money' | 'count',
  opts: FormatOptions = {},
): Change {
  if (previous === null || previous === undefined) {
    return { direction: 'none', percent: null, delta: null, label: 'No earlier data' };
  }
  const delta = current - previous;
  const direction = delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
  if (direction === 'flat') return { direction, percent: 0, delta: 0, label: 'No change' };
  // signs from Intl too, so the percentage and the amount use the same minus
  const signed = { ...opts, signDisplay: 'exceptZero' } as const;
  const amount = kind === 'money' ? formatMoneyCents(delta, signed) : formatCount(delta, signed);
  if (previous === 0) return { direction, percent: null, delta, label: amount };
  const percent = (delta / Math.abs(previous)) * 100;
  return { direction, percent, delta, label: `${formatPercent(percent, opts)} (${amount})` };
}

import { describe, expect, it } from 'vitest';
import { ageSeconds, formatAge } from '@/features/metrics/utils/format-age';
import { toAgingModel } from '@/features/metrics/utils/to-aging-rows';
import { NOW, ticketAgingFixture } from '../../fixtures/ticket-aging';

describe('formatAge', () => {
  it('says an age in whole units, never rounding up', () => {
    expect(formatAge(0)).toBe('under 1 min');
    expect(formatAge(59)).toBe('under 1 min');
    expect(formatAge(60)).toBe('1 min');
    expect(formatAge(3599)).toBe('59 min');
    expect(formatAge(3600)).toBe('1 h');
    expect(formatAge(86_399)).toBe('23 h');
    expect(formatAge(3 * 86_400 + 86_399)).toBe('3 d');
    expect(formatAge(Number.NaN)).toBe('under 1 min');
  });

  it('takes the age at now from the creation time, else the server figure', () => {
    expect(ageSeconds('2026-12-01T11:00:00Z', NOW, 5)).toBe(3600);
    expect(ageSeconds('not a date', NOW, 5)).toBe(5);
    expect(ageSeconds(null, NOW, null)).toBeNull();
    // a clock slightly behind the server never shows a negative age
    expect(ageSeconds('2026-12-01T12:00:05Z', NOW, 0)).toBe(0);
  });
});

describe('toAgingModel', () => {
  it('words each row as "Waiting parts · 9 · oldest 3 d" and the 30-day line', () => {
    const model = toAgingModel(ticketAgingFixture, NOW, 'en-US');
    expect(model.rows.map((r) => r.summary)).toEqual([
      'Open · 4 · oldest 5 h',
      'In progress · 6 · oldest 1 d',
      'Waiting parts · 9 · oldest 3 d',
      'Ready · 0',
    ]);
    expect(model.doneText).toBe('Last 30 days: 847 closed · 12 cancelled');
    expect(model.activeTotal).toBe(19);
  });

  it('lets the age grow between syncs', () => {
    const later = toAgingModel(ticketAgingFixture, NOW + 2 * 86_400_000, 'en-US');
    expect(later.rows[0]!.oldestText).toBe('oldest 2 d');
    // the attribute keeps the server's figure
    expect(later.rows[0]!.oldestSeconds).toBe(5 * 3600);
  });
});

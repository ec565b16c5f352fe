import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCount, formatDateTime, formatMoneyCents, formatMoneyCompact, formatPercent, formatTime } from '@/features/metrics/utils/format-number';
import { formatBucketLabel } from '@/features/metrics/utils/to-revenue-chart-data';

/** Counts `new Intl.NumberFormat(...)` and `new Intl.DateTimeFormat(...)` while a test runs. */
function countConstructions() {
  const real = { NumberFormat: Intl.NumberFormat, DateTimeFormat: Intl.DateTimeFormat };
  const made = { number: 0, date: 0 };
  beforeEach(() => {
    made.number = 0;
    made.date = 0;
    Intl.NumberFormat = new Proxy(real.NumberFormat, {
      construct: (target, args) => (made.number++, Reflect.construct(target, args)),
    });
    Intl.DateTimeFormat = new Proxy(real.DateTimeFormat, {
      construct: (target, args) => (made.date++, Reflect.construct(target, args)),
    });
  });
  afterEach(() => {
    Intl.NumberFormat = real.NumberFormat;
    Intl.DateTimeFormat = real.DateTimeFormat;
  });
  return made;
}

describe('format-number', () => {
  const made = countConstructions();

  it('formats money, counts, percentages and times for the en-US locale', () => {
    expect(formatMoneyCents(123456, { locale: 'en-US' })).toBe('$1,234.56');
    expect(formatMoneyCents(500, { locale: 'en-US', signDisplay: 'exceptZero' })).toBe('+$5.00');
    expect(formatMoneyCompact(120000, { locale: 'en-US' })).toBe('$1.2K');
    expect(formatCount(1234.4, { locale: 'en-US' })).toBe('1,234');
    expect(formatPercent(12.34, { locale: 'en-US' })).toBe('+12.3%');
    expect(formatTime('2026-12-07T13:04:05Z', { locale: 'en-GB' })).toMatch(/\d\d:04:05/);
    expect(formatDateTime('2026-12-07T13:04:05Z', { locale: 'en-GB' })).toMatch(/7 Dec 2026/);
  });

  it('keeps one formatter per locale and options across renders, not one per call', () => {
    // a KPI grid, the chart's axis and its bucket labels re-rendered 50 times (one live change each)
    for (let i = 0; i < 50; i++) {
      formatMoneyCents(i * 100, { locale: 'en-US' });
      formatMoneyCents(i * 100, { locale: 'en-US', signDisplay: 'exceptZero' });
      formatMoneyCompact(i * 1000, { locale: 'en-US' });
      formatCount(i, { locale: 'en-US' });
      formatPercent(i, { locale: 'en-US' });
      formatTime('2026-12-07T13:04:05Z', { locale: 'en-US' });
      formatDateTime('2026-12-07T13:04:05Z', { locale: 'en-US' });
      formatBucketLabel(Date.UTC(2026, 11, i % 28), '7d', { locale: 'en-US' });
    }
    expect(made.number).toBeLessThanOrEqual(5);
    expect(made.date).toBeLessThanOrEqual(3);
  });

  it('keeps formatters of different locales apart', () => {
    expect(formatMoneyCents(123456, { locale: 'de-DE' })).toMatch(/^1\.234,56\s\$$/u);
    expect(formatMoneyCents(123456, { locale: 'en-US' })).toBe('$1,234.56');
  });
});

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "just now", "42 seconds ago", "3 minutes ago" … relative to `now` (ms), which the caller passes in. */
export function formatRelativeTime(iso: string, now: number, locale?: string): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((then - now) / 1000);
  if (Math.abs(seconds) < 5) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.trunc(seconds / size), unit);
  }
  return '';
}

/** How often a relative time of this age needs refreshing to stay right. */
export function refreshIntervalFor(iso: string, now: number): number {
  const age = Math.abs(now - Date.parse(iso));
  if (age < 60_000) return 5_000;
  if (age < 3_600_000) return 30_000;
  return 300_000;
}

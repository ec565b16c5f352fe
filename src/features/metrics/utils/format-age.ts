const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A waiting time as a ticket desk says it: "3 d", "5 h", "12 min", "under 1 min". Whole units,
 * rounded down, so a ticket is never shown older than it is.
 */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < MINUTE) return 'under 1 min';
  if (seconds < HOUR) return `${Math.floor(seconds / MINUTE)} min`;
  if (seconds < DAY) return `${Math.floor(seconds / HOUR)} h`;
  return `${Math.floor(seconds / DAY)} d`;
}

/** Age at `now` of a ticket created at `createdAt` (ISO); the server's `fallbackSeconds` if unparsable. */
export function ageSeconds(createdAt: string | null, now: number, fallbackSeconds: number | null): number | null {
  const t = createdAt === null ? Number.NaN : Date.parse(createdAt);
  if (Number.isNaN(t)) return fallbackSeconds;
  return Math.max(0, Math.floor((now - t) / 1000));
}

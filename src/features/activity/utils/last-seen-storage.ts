/** Where the newest activity id an agent has seen is kept, per user, in this browser. */
export function lastSeenKey(userId: string): string {
  return `repair-shop:activity-last-seen:${userId}`;
}

/** localStorage, or null where it is unavailable (disabled, sandboxed frame, private mode quirks). */
export function browserStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function readLastSeen(storage: Storage | null, userId: string): number | null {
  try {
    const raw = storage?.getItem(lastSeenKey(userId));
    if (raw === null || raw === undefined || !/^\d+$/.test(raw)) return null;
    return Number(raw);
  } catch {
    return null;
  }
}

/** Only moves forward (another tab of the same agent may have seen further). Storage errors are ignored: the divider is a nicety. */
export function writeLastSeen(storage: Storage | null, userId: string, id: number): void {
  try {
    const current = readLastSeen(storage, userId);
    if (current === null || id > current) storage?.setItem(lastSeenKey(userId), String(id));
  } catch {
    // quota exceeded or storage revoked: keep working without it
  }
}

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

/** An id of the activity log `epoch` (null: stored before epochs were kept, or not known). */
export interface LastSeen {
  id: number;
  epoch: string | null;
}

/** Stored as `<id>` or `<id>:<epoch>`. */
export function readLastSeen(storage: Storage | null, userId: string): LastSeen | null {
  try {
    const raw = storage?.getItem(lastSeenKey(userId));
    const match = raw === null || raw === undefined ? null : /^(\d+)(?::(.+))?$/.exec(raw);
    if (!match) return null;
    return { id: Number(match[1]), epoch: match[2] ?? null };
  } catch {
    return null;
  }
}

/**
 * Only moves forward within one epoch (another tab of the same agent may have seen further); a
 * position in another epoch is of another log and is replaced. Storage errors are ignored: the
 * divider is a nicety.
 */
export function writeLastSeen(storage: Storage | null, userId: string, seen: LastSeen): void {
  try {
    const current = readLastSeen(storage, userId);
    if (current === null || current.epoch !== seen.epoch || seen.id > current.id) {
      storage?.setItem(lastSeenKey(userId), seen.epoch === null ? String(seen.id) : `${seen.id}:${seen.epoch}`);
    }
  } catch {
    // quota exceeded or storage revoked: keep working without it
  }
}

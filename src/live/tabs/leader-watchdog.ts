/** no word from the leader for this long: ping it */
export const LEADER_QUIET_MS = 3000;
/** no answer to the ping within this (plus up to as much again, at random): take its lock */
export const PING_TIMEOUT_MS = 1000;

/**
 * A follower's view of the leader's liveness. Invariant: `pingAt` is set only while the leader
 * has been quiet for LEADER_QUIET_MS; any message from the leader clears it.
 */
export interface Watch {
  lastLeaderAt: number;
  pingAt: number | null;
}

export const heard = (now: number): Watch => ({ lastLeaderAt: now, pingAt: null });

/**
 * Pure: what a follower does at a watchdog tick. A quiet leader is pinged (a hidden tab's timers
 * are throttled, but it answers messages); one that does not answer has a stuck event loop.
 * The jitter (0..1) spreads followers so that one steals first and the others see its heartbeat.
 */
export function watchdogStep(watch: Watch, now: number, jitter: number): { watch: Watch; action: 'none' | 'ping' | 'steal' } {
  if (now - watch.lastLeaderAt <= LEADER_QUIET_MS) return { watch, action: 'none' };
  if (watch.pingAt === null) return { watch: { ...watch, pingAt: now }, action: 'ping' };
  if (now - watch.pingAt > PING_TIMEOUT_MS * (1 + jitter)) return { watch: heard(now), action: 'steal' };
  return { watch, action: 'none' };
}

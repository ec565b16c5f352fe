/** no word from the leader for this long: ping it */
export const LEADER_QUIET_MS = 3000;
/** no answer to the ping within this (plus up to as much again, at random): take its lock */
export const PING_TIMEOUT_MS = 1000;
/**
 * a visible follower takes the lead from a leader that answers but whose own heartbeat (every
 * second, on its timers) is this late: its timers are starved (a hidden tab that could not run
 * the worker clock), so its polls are late too, and this tab's screen with them
 */
export const LEADER_STARVED_MS = 5000;

/**
 * A follower's view of the leader's liveness. Invariant: `pingAt` is set only while the leader
 * has been quiet for LEADER_QUIET_MS; any message from the leader clears it. `lastBeatAt` moves
 * only with the heartbeats the leader's own timer sends (not its answers to pings).
 */
export interface Watch {
  lastLeaderAt: number;
  pingAt: number | null;
  lastBeatAt: number;
}

/** a heartbeat from the leader's timer (or a new leader to watch): everything fresh */
export const heard = (monotonicNow: number): Watch => ({ lastLeaderAt: monotonicNow, pingAt: null, lastBeatAt: monotonicNow });

/** any other word from the leader (state, an answer to a ping): alive, though maybe starved */
export const answered = (watch: Watch, monotonicNow: number): Watch => ({ ...watch, lastLeaderAt: monotonicNow, pingAt: null });

/**
 * Pure: what a follower does at a watchdog tick. A quiet leader is pinged (a hidden tab's timers
 * are throttled, but it answers messages); one that does not answer has a stuck event loop. One
 * that answers but whose heartbeats are late is starved: a visible follower takes its lead, since
 * a hidden leader must never delay the tabs on screen. Either way the action is `steal`.
 * The jitter (0..1) spreads followers so that one steals first and the others see its heartbeat.
 */
export function watchdogStep(
  watch: Watch,
  monotonicNow: number,
  jitter: number,
  visible = false,
): { watch: Watch; action: 'none' | 'ping' | 'steal' } {
  if (visible && monotonicNow - watch.lastBeatAt > LEADER_STARVED_MS * (1 + jitter) && monotonicNow - watch.lastLeaderAt <= LEADER_QUIET_MS) {
    return { watch: heard(monotonicNow), action: 'steal' };
  }
  if (monotonicNow - watch.lastLeaderAt <= LEADER_QUIET_MS) return { watch, action: 'none' };
  if (watch.pingAt === null) return { watch: { ...watch, pingAt: monotonicNow }, action: 'ping' };
  if (monotonicNow - watch.pingAt > PING_TIMEOUT_MS * (1 + jitter)) return { watch: heard(monotonicNow), action: 'steal' };
  return { watch, action: 'none' };
}

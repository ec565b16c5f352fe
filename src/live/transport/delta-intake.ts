import { applyDelta } from '../apply-delta';
import type { DashboardAction, DashboardData } from '../dashboard-data';
import { applied, initialLedger, judgeDelta, judgeSync, kept, owesSync, passed, rebased, received, syncSent, unknown, wentBack, type DeltaLedger, type SyncVerdict } from '../delta-ledger';
import type { ConnectionEvent, DashboardDelta, RevenueIncrement, SyncParams, SyncSnapshot } from '../types';

export interface DeltaIntakeDeps {
  /** the typed parser at the edge (features/metrics/api); throws on a payload off the contract */
  parse(payload: unknown): DashboardDelta;
  read(): DashboardData;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  /** one dashboard_sync as soon as the scheduler allows (it coalesces: never two in flight) */
  markDirty(): void;
  /** the next sync asks for a fresh snapshot (p_after null): nothing held can be trusted */
  requestSnapshot(): void;
  /** a sync is outstanding: its landing judges what was kept meanwhile (and asks again if needed) */
  syncInFlight(): boolean;
  /** the feed window's cap now (older pages raise it); a delta that replaces the window resets it */
  feedCap(): number;
  resetFeedCap(): void;
  now(): number;
  monotonic(): number;
  /** the applied delta moved the revenue series by these increments */
  onRevenueIncrements?(increments: RevenueIncrement[], delta: { seq: number; sentAtMicros: number }): void;
  /**
   * Deltas may have been missed (a gap, an unreadable payload, numbering that went back): what they
   * touched is unknown, so whatever the page shows beside the dashboard must be read again.
   */
  onUnheardChanges?(): void;
}

/**
 * Broadcast mode's intake: every `delta` is parsed at the edge, judged by the ledger (delta-ledger.ts)
 * against the held position, and applied at once when it is the next one of its topic. A gap, an
 * unreadable payload or a delta from an older snapshot is kept and costs one dashboard_sync; the
 * answer is the new base and the kept deltas above it are applied on it again. Numbering that went
 * back costs a fresh snapshot. Steady state: no RPC at all.
 */
export function createDeltaIntake(deps: DeltaIntakeDeps) {
  let ledger: DeltaLedger = initialLedger();
  let lastAppliedAt = Number.NEGATIVE_INFINITY;
  /** kept deltas to judge again once the answer just taken has been applied */
  let replay: DashboardDelta[] = [];

  function askSync() {
    // a sync in flight was sent before this: its landing re-judges what is kept and asks again
    if (!deps.syncInFlight()) deps.markDirty();
  }

  /** judge one delta against what is held, and apply it, ignore it, or keep it for the next sync */
  function place(delta: DashboardDelta) {
    const data = deps.read();
    const verdict = judgeDelta(ledger, data.cursor, delta);
    // already held: it came twice (counted as dropped), or a sync answer included it
    if (verdict.action === 'ignore') {
      if (verdict.reason === 'duplicate') deps.signal({ type: 'payload-dropped' });
      return;
    }
    if (verdict.action === 'reset') {
      deps.onUnheardChanges?.();
      ledger = wentBack(ledger, delta);
      deps.requestSnapshot();
      deps.markDirty();
      return;
    }
    const now = deps.now();
    if (verdict.action === 'apply' && applyDelta(data, delta, deps.feedCap(), now) !== null) {
      // more rows than the delta holds: the window starts again from its rows
      if (!delta.feedComplete && delta.cursor > delta.fromCursor) deps.resetFeedCap();
      const before = deps.read().revenue.data;
      deps.act({ type: 'delta/applied', delta, cap: deps.feedCap(), now });
      if (delta.revenue !== null && deps.read().revenue.data !== before) deps.onRevenueIncrements?.(delta.revenue, delta);
      ledger = applied(ledger, delta);
      lastAppliedAt = deps.monotonic();
      deps.signal({ type: 'commit-to-screen', ms: now - delta.sentAtMicros / 1000 });
      return;
    }
    ledger = kept(ledger, delta);
    deps.onUnheardChanges?.();
    askSync();
  }

  return {
    receive(payload: unknown) {
      ledger = received(ledger);
      let delta: DashboardDelta;
      try {
        delta = deps.parse(payload);
      } catch {
        deps.signal({ type: 'payload-dropped' });
        deps.onUnheardChanges?.();
        ledger = unknown(ledger);
        askSync();
        return;
      }
      deps.signal({ type: 'event-received', at: deps.now() });
      place(delta);
    },
    /** a sync request is about to be sent; pass the result to landed() */
    sent(): number {
      const next = syncSent(ledger);
      ledger = next.ledger;
      return next.sentTick;
    },
    /**
     * A sync answer arrived. 'take': apply it (it is the new base), then call afterTaken();
     * 'keep-held': the held state is provably newer and exact (the answer is older than deltas applied).
     */
    landed(p: SyncParams, s: SyncSnapshot, sentTick: number): SyncVerdict {
      const verdict = judgeSync(ledger, p, s);
      if (verdict === 'take') {
        const next = rebased(ledger, s, sentTick);
        ledger = next.ledger;
        replay = next.replay;
      } else {
        ledger = passed(ledger, sentTick);
        if (owesSync(ledger)) deps.markDirty();
      }
      return verdict;
    },
    /** the answer landed() said to take is applied: the kept deltas above it are applied on it again */
    afterTaken() {
      const again = replay;
      replay = [];
      for (const delta of again) place(delta);
      if (owesSync(ledger)) deps.markDirty();
    },
    /** a follower took over with what it was shown: its position is unknown, so the next delta syncs */
    seeded() {
      ledger = initialLedger();
      replay = [];
    },
    reset() {
      ledger = initialLedger();
      replay = [];
      lastAppliedAt = Number.NEGATIVE_INFINITY;
    },
    /** monotonic time of the last delta applied */
    lastAppliedAt: () => lastAppliedAt,
  };
}

export type DeltaIntake = ReturnType<typeof createDeltaIntake>;

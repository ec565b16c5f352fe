import { applyDelta } from './apply-delta';
import type { ConnectionEvent } from './connection-machine';
import type { DashboardAction, DashboardData } from './dashboard-data';
import { applied, held, initialLedger, isBlocked, judgeDelta, judgeSync, rebased, received, syncSent, unknown, type DeltaLedger, type SyncVerdict } from './delta-ledger';
import type { DashboardDelta, RevenueIncrement, SyncParams, SyncSnapshot } from './types';

export interface DeltaIntakeDeps {
  /** the typed parser at the edge (features/metrics/api); throws on a payload off the contract */
  parse(payload: unknown): DashboardDelta;
  read(): DashboardData;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  /** one dashboard_sync as soon as the scheduler allows (it coalesces: never two in flight) */
  markDirty(): void;
  /** a sync is outstanding: its landing judges what was kept meanwhile (and asks again if needed) */
  syncInFlight(): boolean;
  /** the feed window's cap now (older pages raise it); a delta that replaces the window resets it */
  feedCap(): number;
  resetFeedCap(): void;
  now(): number;
  monotonic(): number;
  /** an applied delta moved the revenue series by these increments */
  onRevenueIncrements?(increments: RevenueIncrement[]): void;
}

/**
 * Broadcast mode's intake: every `delta` is parsed at the edge, judged by the ledger against what
 * is held, and applied at once when it lands right at the held cursor. Anything it cannot place (a
 * gap, another epoch, an unparseable payload, an order it cannot prove) costs one dashboard_sync,
 * and nothing is applied until a sync sent after it has landed. Steady state: no RPC at all.
 */
export function createDeltaIntake(deps: DeltaIntakeDeps) {
  let ledger: DeltaLedger = initialLedger();
  let lastAppliedAt = Number.NEGATIVE_INFINITY;
  /** kept deltas to judge again once the answer just taken has been applied */
  let replay: DashboardDelta[] = [];

  /** judge one delta against what is held, and apply it, ignore it, or keep it for the next sync */
  function place(delta: DashboardDelta) {
    const data = deps.read();
    const verdict = judgeDelta(ledger, data, delta);
    if (verdict.action === 'ignore') {
      if (verdict.reason === 'duplicate') deps.signal({ type: 'payload-dropped' });
      return;
    }
    const now = deps.now();
    if (verdict.action === 'apply' && applyDelta(data, delta, deps.feedCap(), now) !== null) {
      // more rows than the delta holds: the window starts again from its rows
      if (!delta.feedComplete && delta.cursor > delta.fromCursor) deps.resetFeedCap();
      const before = deps.read().revenue.data;
      deps.act({ type: 'delta/applied', delta, cap: deps.feedCap(), now });
      if (delta.revenue !== null && deps.read().revenue.data !== before) deps.onRevenueIncrements?.(delta.revenue);
      ledger = applied(ledger, delta);
      lastAppliedAt = deps.monotonic();
      deps.signal({ type: 'commit-to-screen', ms: now - delta.sentAtMicros / 1000 });
      return;
    }
    ledger = held(ledger, delta);
    // 'hold': a sync is owed already (the first delta kept asked for it); one in flight judges it on landing
    if (verdict.action !== 'hold' && !deps.syncInFlight()) deps.markDirty();
  }

  return {
    receive(payload: unknown) {
      ledger = received(ledger);
      let delta: DashboardDelta;
      try {
        delta = deps.parse(payload);
      } catch {
        deps.signal({ type: 'payload-dropped' });
        ledger = unknown(ledger);
        if (!deps.syncInFlight()) deps.markDirty();
        return;
      }
      deps.signal({ type: 'event-received', at: deps.now() });
      place(delta);
    },
    /** a sync request is about to be sent; pass the result to landed() */
    sent(): number {
      const next = syncSent(ledger);
      ledger = next.ledger;
      return next.sentSeq;
    },
    /** a sync answer arrived: 'take' = apply it (it is the new base); otherwise it is older than what is held */
    landed(p: SyncParams, s: SyncSnapshot, sentSeq: number): SyncVerdict {
      const verdict = judgeSync(ledger, deps.read(), p, s, sentSeq);
      if (verdict === 'take') {
        const next = rebased(ledger, s, sentSeq);
        ledger = next.ledger;
        replay = next.replay;
      } else if (verdict === 'ignore-and-sync' || isBlocked(ledger)) deps.markDirty();
      return verdict;
    },
    /** the answer landed() said to take is applied: what was kept since it was sent is judged again */
    afterTaken() {
      const kept = replay;
      replay = [];
      for (const delta of kept) place(delta);
      if (isBlocked(ledger)) deps.markDirty();
    },
    /** a follower took over with what it was shown: that is the base, its order unknown */
    seeded(data: DashboardData) {
      ledger = initialLedger(data.cursor);
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

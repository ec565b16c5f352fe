import { applyDelta } from './apply-delta';
import type { ConnectionEvent } from './connection-machine';
import type { DashboardAction, DashboardData } from './dashboard-reducer';
import { applied, blocked, initialLedger, judgeDelta, judgeSync, rebased, received, syncSent, type DeltaLedger, type SyncVerdict } from './delta-ledger';
import type { DashboardDelta, SyncParams, SyncSnapshot } from './types';

export interface DeltaIntakeDeps {
  /** the typed parser at the edge (features/metrics/api); throws on a payload off the contract */
  parse(payload: unknown): DashboardDelta;
  read(): DashboardData;
  act(action: DashboardAction): void;
  signal(event: ConnectionEvent): void;
  /** one dashboard_sync as soon as the scheduler allows (it coalesces: never two in flight) */
  markDirty(): void;
  /** the feed window's cap now (older pages raise it); a delta that replaces the window resets it */
  feedCap(): number;
  resetFeedCap(): void;
  now(): number;
  monotonic(): number;
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

  function resync() {
    ledger = blocked(ledger);
    deps.markDirty();
  }

  return {
    receive(payload: unknown) {
      ledger = received(ledger);
      let delta: DashboardDelta;
      try {
        delta = deps.parse(payload);
      } catch {
        deps.signal({ type: 'payload-dropped' });
        resync();
        return;
      }
      const now = deps.now();
      deps.signal({ type: 'event-received', at: now });
      const data = deps.read();
      const verdict = judgeDelta(ledger, data, delta);
      if (verdict.action === 'ignore') {
        if (verdict.reason === 'duplicate') deps.signal({ type: 'payload-dropped' });
        return;
      }
      if (verdict.action === 'sync') return resync();
      if (!delta.feedComplete && delta.cursor > delta.fromCursor) deps.resetFeedCap();
      const cap = deps.feedCap();
      if (applyDelta(data, delta, cap, now) === null) return resync();
      deps.act({ type: 'delta/applied', delta, cap, now });
      ledger = applied(ledger, delta);
      lastAppliedAt = deps.monotonic();
      deps.signal({ type: 'commit-to-screen', ms: now - delta.sentAtMicros / 1000 });
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
      if (verdict === 'take') ledger = rebased(ledger, s, sentSeq);
      if (verdict === 'ignore-and-sync') deps.markDirty();
      return verdict;
    },
    /** a follower took over with what it was shown: that is the base, its order unknown */
    seeded(data: DashboardData) {
      ledger = initialLedger(data.cursor);
    },
    reset() {
      ledger = initialLedger();
      lastAppliedAt = Number.NEGATIVE_INFINITY;
    },
    /** monotonic time of the last delta applied (its KPIs are as fresh as a sync's) */
    lastAppliedAt: () => lastAppliedAt,
  };
}

export type DeltaIntake = ReturnType<typeof createDeltaIntake>;

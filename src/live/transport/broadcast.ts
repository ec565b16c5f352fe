import { EVERYTHING_TOUCHED } from '../change-clock';
import type { RevenueChange } from '../types';
import { deltaTopic, openDeltaChannel } from './delta-channel';
import { createDeltaIntake } from './delta-intake';
import { fromTopics } from './from-topics';
import type { MakeTransport } from './transport';

/**
 * The role's private topic `dashboard:<role>`: each delta is judged by the ledger and applied at
 * once (no RPC); only a gap, an epoch change or a (re)join costs a sync (delta-intake.ts). The
 * deltas carry the KPIs, so a timer sync is needed only for the time windows (broadcastRefreshMs).
 */
export const broadcast: MakeTransport = (ctx) => {
  const listeners = new Set<(change: RevenueChange) => void>();
  const revenueChanged = (change: RevenueChange) => {
    for (const listener of listeners) listener(change);
  };
  const deltas = createDeltaIntake({
    parse: (payload) => {
      const delta = ctx.parseDelta(payload);
      ctx.touched(delta.touched);
      return delta;
    },
    read: ctx.read,
    act: ctx.act,
    signal: ctx.signal,
    markDirty: ctx.markDirty,
    requestSnapshot: ctx.requestSnapshot,
    onUnheardChanges: () => ctx.touched(EVERYTHING_TOUCHED),
    syncInFlight: ctx.syncInFlight,
    feedCap: ctx.feedCap,
    resetFeedCap: ctx.resetFeedCap,
    now: ctx.now,
    monotonic: ctx.monotonic,
    onRevenueIncrements: (increments, { seq, sentAtMicros }) => revenueChanged({ source: 'delta', seq, sentAtMicros, increments }),
  });
  return {
    ...fromTopics([
      {
        keys: (viewer) => [deltaTopic(viewer.role)],
        open: openDeltaChannel,
        receive: (_key, payload) => deltas.receive(payload),
      },
    ]),
    refreshMs: ctx.opts.broadcastRefreshMs,
    sent: () => deltas.sent(),
    landed: (params, sync, sentTick) => deltas.landed(params, sync, sentTick),
    afterTaken: () => deltas.afterTaken(),
    revenueReplaced: () => revenueChanged({ source: 'sync' }),
    seeded: () => deltas.seeded(),
    reset: () => deltas.reset(),
    onRevenueChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};

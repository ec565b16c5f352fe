import type { LiveTable } from './parse-change';
import { createChangeIntake } from './change-intake';
import { openTableChannel } from './table-channel';
import { touchedFromChange } from './touched-from';
import { fromTopics } from './from-topics';
import type { MakeTransport, Topic, TransportContext, Viewer } from './transport';

/** The live tables a role may read; support cannot read orders, and binding them would only fail. */
export function tablesFor(role: Viewer['role']): LiveTable[] {
  return role === 'admin' ? ['tickets', 'orders', 'customers', 'products'] : ['tickets', 'customers', 'products'];
}

/**
 * One channel per table (a bad binding silences every binding of its channel, so one table's
 * trouble must not stop the others); each change is only a push: the next dashboard_sync brings
 * everything from the cursor.
 */
function tablesTopic(ctx: TransportContext): Topic {
  const receive = createChangeIntake({
    now: ctx.now,
    signal: ctx.signal,
    onChange: (change) => {
      if (change.commitTimestamp !== null) ctx.noteCommit(change.commitTimestamp);
      ctx.touched(touchedFromChange(change));
      ctx.markDirty();
    },
  });
  return {
    keys: (viewer) => tablesFor(viewer.role),
    open: (client, key, handlers) => openTableChannel(client, key as LiveTable, handlers),
    receive: (_key, payload) => receive(payload),
  };
}

export const postgresChanges: MakeTransport = (ctx) => ({
  ...fromTopics([tablesTopic(ctx)]),
  // pushes carry no figures: the 24 h windows move only with a sync
  refreshMs: ctx.opts.kpiRefreshMs,
  // every answer is the whole state from the cursor: always taken
  sent: () => 0,
  landed: () => 'take',
  afterTaken: () => undefined,
  revenueReplaced: () => undefined,
  seeded: () => undefined,
  reset: () => undefined,
});

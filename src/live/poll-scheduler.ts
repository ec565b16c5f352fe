import type { LiveEngineOptions } from './engine-options';
import type { ConnectionEvent, ConnectionState, LiveEnvironment, TimerHandle } from './types';

export interface PollSchedulerDeps {
  env: LiveEnvironment;
  opts: LiveEngineOptions;
  jittered(ms: number): number;
  signal(event: ConnectionEvent): void;
  /** the data pipeline runs and the connection is polling or offline */
  shouldPoll(): boolean;
  poll(): void;
}

/** While realtime is down: one catch-up per (jittered, slower when hidden) interval. */
export function createPollScheduler(deps: PollSchedulerDeps) {
  const { env, opts, signal } = deps;
  let pollTimer: TimerHandle | null = null;

  function cancel() {
    if (pollTimer !== null) env.clearTimeout(pollTimer);
    pollTimer = null;
  }

  /** delay null = keep a poll already scheduled, else the (jittered, slower when hidden) interval */
  function schedule(delay: number | null) {
    if (!deps.shouldPoll()) return;
    if (pollTimer !== null) {
      if (delay === null) return;
      cancel();
    }
    const interval = deps.jittered(env.isHidden() ? opts.hiddenPollIntervalMs : opts.pollIntervalMs);
    signal({ type: 'poll-interval', ms: interval });
    pollTimer = env.setTimeout(() => {
      pollTimer = null;
      if (!deps.shouldPoll()) return;
      signal({ type: 'poll-made' });
      deps.poll();
      schedule(null);
    }, delay ?? interval);
  }

  return {
    schedule,
    cancel,
    onStateChanged(before: ConnectionState, now: ConnectionState) {
      if (now === 'polling' || now === 'offline') schedule(before === 'live' || before === 'connecting' ? 0 : null);
      else cancel();
    },
  };
}

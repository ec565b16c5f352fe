import { changeKey, parseChange, type TableChange } from './parse-change';
import type { ConnectionEvent } from '../types';

export interface ChangeIntakeDeps {
  now(): number;
  signal(event: ConnectionEvent): void;
  /** a well-formed change (repeats included): only a push for the next catch-up */
  onChange(change: TableChange): void;
}

/** Realtime payloads in: malformed ones and repeats are counted as dropped, the rest as received. */
export function createChangeIntake(deps: ChangeIntakeDeps) {
  const recentKeys = new Set<string>();

  return function receive(payload: unknown) {
    const parsed = parseChange(payload);
    if (!parsed.ok) {
      deps.signal({ type: 'payload-dropped' });
      return;
    }
    const change = parsed.change;
    const key = changeKey(change);
    if (key !== null && recentKeys.has(key)) {
      deps.signal({ type: 'payload-dropped' });
    } else {
      if (key !== null) {
        recentKeys.add(key);
        if (recentKeys.size > 1_000) recentKeys.delete(recentKeys.values().next().value as string);
      }
      deps.signal({ type: 'event-received', at: deps.now() });
    }
    deps.onChange(change);
  };
}

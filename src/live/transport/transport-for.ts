import type { LiveTransport } from '../types';
import { broadcast } from './broadcast';
import { postgresChanges } from './postgres-changes';
import type { MakeTransport } from './transport';

const TRANSPORTS: Record<LiveTransport, MakeTransport> = { postgres_changes: postgresChanges, broadcast };

/** The one place that reads the transport option: everything else holds a `Transport`. */
export function transportFor(name: LiveTransport): MakeTransport {
  return TRANSPORTS[name];
}

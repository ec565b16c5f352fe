import type { JwtClaims } from '../auth/keys.ts';
import type { ChannelPolicies } from './authorization.ts';
import { bindingId } from './binding-id.ts';
import { rlsKeyOf, type ChannelSink } from './subscriptions.ts';

export interface Binding {
  /** The client's param map, echoed unchanged in the join reply. */
  params: Record<string, unknown>;
  id: number;
}

/** One joined topic on one socket. Subscriptions point at it as their sink. */
export class Channel implements ChannelSink {
  role: string;
  claimsJson: string;
  rlsKey: string;
  /** Bumped on leave/close/refresh so stale async work can tell it lost the race. */
  generation = 0;
  closed = false;
  expiryTimer: NodeJS.Timeout | null = null;
  resubscribeTimer: NodeJS.Timeout | null = null;
  /** `config.private`: only members whose read policies passed get its broadcasts. */
  private = false;
  /** `config.presence.enabled`: presence read is part of the policy check. */
  presence = false;
  /** Set for a private channel once its read policies passed; re-evaluated on access_token. */
  policies: ChannelPolicies | null = null;
  /** Message ids sent by replay at join; the same message arriving live is not sent twice. */
  replayedIds = new Set<string>();

  constructor(
    readonly topic: string,
    readonly joinRef: string | null,
    public token: string,
    public claims: JwtClaims & { role: string; exp: number },
    readonly bindings: Binding[],
    readonly broadcastSelf: boolean,
    private readonly push: (channel: Channel, ids: number[], rawData: string) => void,
  ) {
    this.role = claims.role;
    this.claimsJson = JSON.stringify(claims);
    this.rlsKey = rlsKeyOf(claims);
  }

  get subTopic(): string {
    return this.topic.slice('realtime:'.length);
  }

  setToken(token: string, claims: JwtClaims & { role: string; exp: number }): void {
    this.token = token;
    this.claims = claims;
    this.role = claims.role;
    this.claimsJson = JSON.stringify(claims);
    this.rlsKey = rlsKeyOf(claims);
  }

  deliverChange(ids: number[], rawData: string): void {
    if (!this.closed) this.push(this, ids, rawData);
  }

  clearTimers(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.resubscribeTimer) clearTimeout(this.resubscribeTimer);
    this.expiryTimer = null;
    this.resubscribeTimer = null;
  }
}

/** Reads `config.postgres_changes` from a join payload; non-object entries are dropped. */
export function readBindings(payload: unknown): Binding[] {
  const config = (payload as { config?: { postgres_changes?: unknown } } | null)?.config;
  const list = config?.postgres_changes;
  if (!Array.isArray(list)) return [];
  return list
    .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null && !Array.isArray(p))
    .map((params) => ({ params, id: bindingId(params) }));
}

export function readWait(payload: unknown): boolean {
  const config = (payload as { config?: { postgres_changes_options?: { wait?: unknown } } } | null)?.config;
  return config?.postgres_changes_options?.wait === true;
}

export function readBroadcastSelf(payload: unknown): boolean {
  const config = (payload as { config?: { broadcast?: { self?: unknown } } } | null)?.config;
  return config?.broadcast?.self === true;
}

export function readPresenceEnabled(payload: unknown): boolean {
  const config = (payload as { config?: { presence?: { enabled?: unknown } } } | null)?.config;
  return config?.presence?.enabled === true;
}

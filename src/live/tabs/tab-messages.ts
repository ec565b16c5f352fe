import { isObject, type JsonObject } from '@/lib/parse';
import type { DashboardData } from '../dashboard-data';
import type { ConnectionInfo, DashboardPart, RevenueRange, SessionState } from '../types';

/** Bump when the shape of a message or of the published state changes: tabs of two builds then never mix. */
export const TABS_PROTOCOL = 1;

export type RevenueSlice = DashboardData['revenue'];
/** Series the leader keeps for ranges its engine cannot serve by slicing (the hourly 24 h). */
export type RevenueExtras = Partial<Record<RevenueRange, RevenueSlice>>;

/** Everything a tab renders, as the leader's engine holds it (the dashboard data passes through opaque). */
export interface TabSnapshot {
  dashboard: DashboardData;
  connection: ConnectionInfo;
  session: SessionState;
  extras: RevenueExtras;
}

export interface SnapshotDelta {
  /** only the top-level fields that changed */
  dashboard?: Partial<DashboardData>;
  connection?: ConnectionInfo;
  session?: SessionState;
  extras?: RevenueExtras;
}

export type TabCommand = { name: 'load-older' } | { name: 'retry'; part: DashboardPart } | { name: 'sign-out' };

interface Envelope {
  /** the sending tab */
  from: string;
  /** the signed-in user the message is about: tabs of another user ignore it */
  user: string;
}

export type TabMessage =
  /** a follower joined or lost track: the leader answers with a snapshot */
  | (Envelope & { type: 'hello' })
  | (Envelope & { type: 'presence'; paused: boolean; hidden: boolean; range: RevenueRange })
  | (Envelope & { type: 'bye' })
  /** a follower has not heard from the leader for a while */
  | (Envelope & { type: 'ping' })
  // `seq` on heartbeat, snapshot and delta: the leader's publish number (its `publishSeq`; a
  // follower's `publishSeq`), one more per snapshot delta; not a database delta's `seq`.
  /** `answer`: sent to answer a ping, not by the leader's own timer (a starved leader still answers) */
  | (Envelope & { type: 'heartbeat'; term: number; seq: number; answer?: boolean })
  | (Envelope & { type: 'snapshot'; term: number; seq: number; snapshot: TabSnapshot })
  | (Envelope & { type: 'delta'; term: number; seq: number; delta: SnapshotDelta })
  | (Envelope & { type: 'command'; command: TabCommand });

const RANGES: readonly string[] = ['24h', '7d', '30d', '90d'];
const PARTS: readonly string[] = ['kpis', 'revenue', 'ticketStatus', 'feed'];
const SESSION_STATUSES: readonly string[] = ['loading', 'signed-in', 'signed-out'];

const isRange = (v: unknown): v is RevenueRange => typeof v === 'string' && RANGES.includes(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

// The state comes from a tab of the same build (the protocol is in the channel name): check its
// outline, and let the engine's fields pass through untouched.
function asDashboard(v: unknown): DashboardData | null {
  if (!isObject(v) || !isObject(v.kpis) || !isObject(v.revenue) || !isObject(v.feed) || typeof v.cursor !== 'number') return null;
  return v as unknown as DashboardData;
}
function asPartialDashboard(v: unknown): Partial<DashboardData> | null {
  return isObject(v) ? (v as Partial<DashboardData>) : null;
}
function asConnection(v: unknown): ConnectionInfo | null {
  return isObject(v) && typeof v.state === 'string' && typeof v.since === 'number' ? (v as unknown as ConnectionInfo) : null;
}
function asSession(v: unknown): SessionState | null {
  if (!isObject(v) || typeof v.status !== 'string' || !SESSION_STATUSES.includes(v.status)) return null;
  if (v.user !== null && !(isObject(v.user) && typeof v.user.id === 'string')) return null;
  if (v.message !== null && typeof v.message !== 'string') return null;
  return v as unknown as SessionState;
}
function asExtras(v: unknown): RevenueExtras | null {
  if (!isObject(v)) return null;
  for (const [key, slice] of Object.entries(v)) if (!isRange(key) || !isObject(slice)) return null;
  return v as RevenueExtras;
}

function parseSnapshot(v: unknown): TabSnapshot | null {
  if (!isObject(v)) return null;
  const dashboard = asDashboard(v.dashboard);
  const connection = asConnection(v.connection);
  const session = asSession(v.session);
  const extras = asExtras(v.extras);
  return dashboard && connection && session && extras ? { dashboard, connection, session, extras } : null;
}

function parseDelta(v: unknown): SnapshotDelta | null {
  if (!isObject(v)) return null;
  const delta: SnapshotDelta = {};
  const parts: Array<[keyof SnapshotDelta, (x: unknown) => unknown]> = [
    ['dashboard', asPartialDashboard],
    ['connection', asConnection],
    ['session', asSession],
    ['extras', asExtras],
  ];
  for (const [key, parse] of parts) {
    if (v[key] === undefined) continue;
    const parsed = parse(v[key]);
    if (parsed === null) return null;
    Object.assign(delta, { [key]: parsed });
  }
  return delta;
}

function parseCommand(v: unknown): TabCommand | null {
  if (!isObject(v)) return null;
  if (v.name === 'load-older' || v.name === 'sign-out') return { name: v.name };
  if (v.name === 'retry' && typeof v.part === 'string' && PARTS.includes(v.part)) return { name: 'retry', part: v.part as DashboardPart };
  return null;
}

function parseBody(o: JsonObject, env: Envelope): TabMessage | null {
  switch (o.type) {
    case 'hello':
    case 'bye':
    case 'ping':
      return { ...env, type: o.type };
    case 'presence':
      return typeof o.paused === 'boolean' && typeof o.hidden === 'boolean' && isRange(o.range)
        ? { ...env, type: 'presence', paused: o.paused, hidden: o.hidden, range: o.range }
        : null;
    case 'heartbeat':
      return isCount(o.term) && isCount(o.seq) ? { ...env, type: 'heartbeat', term: o.term, seq: o.seq, ...(o.answer === true ? { answer: true } : {}) } : null;
    case 'snapshot': {
      const snapshot = parseSnapshot(o.snapshot);
      return snapshot && isCount(o.term) && isCount(o.seq) ? { ...env, type: 'snapshot', term: o.term, seq: o.seq, snapshot } : null;
    }
    case 'delta': {
      const delta = parseDelta(o.delta);
      return delta && isCount(o.term) && isCount(o.seq) ? { ...env, type: 'delta', term: o.term, seq: o.seq, delta } : null;
    }
    case 'command': {
      const command = parseCommand(o.command);
      return command ? { ...env, type: 'command', command } : null;
    }
    default:
      return null;
  }
}

/** A BroadcastChannel message, or null for anything this build does not understand (it is dropped). */
export function parseTabMessage(data: unknown): TabMessage | null {
  if (!isObject(data) || typeof data.from !== 'string' || typeof data.user !== 'string') return null;
  return parseBody(data, { from: data.from, user: data.user });
}

/** Web Locks name: one leader per project, user and build. */
export function leaderLockName(projectUrl: string, userId: string): string {
  return `repair-dashboard:live:v${TABS_PROTOCOL}:${projectUrl}:${userId}`;
}

/** One channel per project and build; messages carry the user. */
export function tabsChannelName(projectUrl: string): string {
  return `repair-dashboard:tabs:v${TABS_PROTOCOL}:${projectUrl}`;
}

import type { LiveEngine } from '../engine-interface';
import type { RevenueRange, SeriesAtHead, TimerHandle } from '../types';
import { compareLeaders } from './follower-state';
import { engineRangeFor, extraRangesFor } from './revenue-view';
import { createRevenueExtras } from './revenue-extras';
import { createSnapshotSource } from './snapshot-source';
import { createSharedVisibility } from './leader-environment';
import type { PageVisibility, TabsClock } from './tab-ports';
import type { TabCommand, TabMessage, TabSnapshot } from './tab-messages';
import type { ViewStores } from '../stores/store-types';

export const HEARTBEAT_MS = 1000;
/** a follower that missed this many roll calls (heartbeats) is gone */
const PRESENCE_ROLL_CALLS = 3;

type Outgoing = TabMessage extends infer M ? (M extends TabMessage ? Omit<M, 'from' | 'user'> : never) : never;

export interface TabPrefs {
  paused: boolean;
  /** the page is hidden (a background tab) */
  hidden: boolean;
  range: RevenueRange;
}

export interface LeaderDeps {
  /**
   * The stores the engine hands its state to (its own objects, once per frame; engine-state.ts),
   * which the leader publishes from: the caller makes them fresh for each leader. Reading the
   * engine in place (peek) instead measured about 10 ms slower per three-request order with 5
   * tabs (docs/benchmarks.md), so the leader keeps these two containers.
   */
  stores: ViewStores;
  tabId: string;
  userId: string;
  term: number;
  clock: TabsClock;
  post(message: Outgoing): void;
  /** the engine on private stores, with the revenue range it keeps live and every tab's visibility */
  createEngine(stores: ViewStores, revenueRange: RevenueRange, visibility: PageVisibility): LiveEngine;
  /** revenue_series_at_head for a range the engine cannot serve, with the delta it includes */
  fetchSeries(range: RevenueRange): Promise<SeriesAtHead>;
  own(): TabPrefs;
  /** the state this tab last saw as a follower: the engine resumes from it */
  resume: TabSnapshot | null;
  /** the session this tab already shows: published while the engine restores it */
  heldSession: TabSnapshot['session'] | null;
  /** every new snapshot, for this tab's own view */
  onSnapshot(snapshot: TabSnapshot): void;
  onSignedOut(message: string | null): void;
  /** a newer leader exists (this tab's lock was taken while it was stuck) */
  onSuperseded(): void;
}

/**
 * The leader: runs the one engine for every tab of this user, publishes its state (snapshots on
 * request, deltas with a sequence number), sends heartbeats, keeps the union of the revenue ranges
 * live tabs show, pauses the engine only when every tab is paused, and runs followers' commands.
 */
export function createLeader(deps: LeaderDeps) {
  const { clock } = deps;
  const { stores } = deps;
  const source = createSnapshotSource(stores, deps.resume, deps.heldSession);
  const presence = new Map<string, TabPrefs & { seen: number }>();
  let rollCall = 0;
  /** the number of the state last published (a tab message's `seq`): one more per delta */
  let publishSeq = 0;
  let stopped = false;
  let enginePaused = false;
  let signedOutSent = false;
  let engineRange: RevenueRange = deps.resume?.dashboard.revenue.range ?? deps.own().range;
  let heartbeatTimer: TimerHandle | null = null;
  let publishQueued = false;
  const extras = createRevenueExtras({
    clock,
    fetchSeries: deps.fetchSeries,
    unavailable: () => {
      const revenue = source.last()?.dashboard.revenue;
      return revenue !== undefined && revenue.status === 'ready' && revenue.data === null;
    },
    onChange: () => queuePublish(),
  });

  const visibility = createSharedVisibility(deps.own().hidden);
  const engine = deps.createEngine(stores, engineRange, visibility);
  // broadcast mode: follow the engine's revenue as it moves, adding a delta's increments without a read
  const stopFollowing = engine.onRevenueChange?.((change) => extras.engineChanged(change));
  if (stopFollowing) extras.followEngine();
  const unsubscribe = [stores.dashboard, stores.connection, stores.session].map((s) => s.subscribe(() => queuePublish()));

  function queuePublish() {
    if (publishQueued || stopped) return;
    publishQueued = true;
    queueMicrotask(() => {
      publishQueued = false;
      if (!stopped) publish();
    });
  }

  function publish() {
    const { snapshot, delta } = source.next(extras.current());
    if (delta) {
      publishSeq += 1;
      deps.post({ type: 'delta', term: deps.term, seq: publishSeq, delta });
      deps.onSnapshot(snapshot);
    }
    extras.engineSeries(snapshot.dashboard.revenue);
    if (snapshot.session.status === 'signed-out' && !signedOutSent) {
      signedOutSent = true;
      clock.setTimeout(() => deps.onSignedOut(snapshot.session.message), 0);
    }
  }

  function sendSnapshot() {
    const snapshot = source.last();
    if (snapshot) deps.post({ type: 'snapshot', term: deps.term, seq: publishSeq, snapshot });
  }

  function wantedRanges(): RevenueRange[] {
    return [deps.own(), ...presence.values()].filter((t) => !t.paused).map((t) => t.range);
  }

  function reconcile() {
    visibility.set([deps.own(), ...presence.values()].every((t) => t.hidden));
    if (rollCall === 0) return; // wait one roll call: the followers' ranges and pauses are not known yet
    const wanted = wantedRanges();
    const next = engineRangeFor(wanted, engineRange);
    if (next !== engineRange) {
      engineRange = next;
      engine.setRevenueRange(next);
    }
    extras.want(extraRangesFor(wanted, engineRange));
    const allPaused = wanted.length === 0;
    if (allPaused !== enginePaused) {
      enginePaused = allPaused;
      if (allPaused) engine.pause();
      else engine.resume();
    }
  }

  function heartbeat() {
    heartbeatTimer = null;
    if (stopped) return;
    rollCall += 1;
    for (const [tab, p] of presence) if (rollCall - p.seen > PRESENCE_ROLL_CALLS) presence.delete(tab);
    deps.post({ type: 'heartbeat', term: deps.term, seq: publishSeq });
    reconcile();
    heartbeatTimer = clock.setTimeout(heartbeat, HEARTBEAT_MS);
  }

  function run(command: TabCommand) {
    if (command.name === 'load-older') engine.loadOlderActivity();
    else if (command.name === 'sign-out') void engine.signOut();
    else {
      engine.retry(command.part);
      if (command.part === 'revenue') extras.refetch();
    }
  }

  engine.start(deps.resume ? { resume: deps.resume.dashboard } : undefined);
  deps.onSnapshot(source.next(extras.current()).snapshot);
  sendSnapshot();
  deps.post({ type: 'heartbeat', term: deps.term, seq: publishSeq });
  heartbeatTimer = clock.setTimeout(heartbeat, HEARTBEAT_MS);

  return {
    engine,
    handle(msg: TabMessage) {
      if (stopped || msg.from === deps.tabId) return;
      switch (msg.type) {
        case 'hello':
          sendSnapshot();
          break;
        case 'ping':
          deps.post({ type: 'heartbeat', term: deps.term, seq: publishSeq, answer: true });
          break;
        case 'presence':
          presence.set(msg.from, { paused: msg.paused, hidden: msg.hidden, range: msg.range, seen: rollCall });
          reconcile();
          break;
        case 'bye':
          presence.delete(msg.from);
          reconcile();
          break;
        case 'command':
          run(msg.command);
          break;
        case 'heartbeat':
        case 'snapshot':
        case 'delta':
          if (compareLeaders({ term: msg.term, tab: msg.from }, { term: deps.term, tab: deps.tabId }) > 0) deps.onSuperseded();
          break;
      }
    },
    /** this tab's own pause or range changed */
    ownChanged: () => reconcile(),
    run,
    stop() {
      if (stopped) return;
      stopped = true;
      for (const u of unsubscribe) u();
      if (heartbeatTimer !== null) clock.clearTimeout(heartbeatTimer);
      extras.stop();
      stopFollowing?.();
      engine.stop();
    },
    presentTabs: () => presence.size + 1,
    last: () => source.last(),
  };
}

export type Leader = ReturnType<typeof createLeader>;

import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveApi } from '../live-api';
import { revenueWindow } from '../revenue-window';
import { createConnectionStore } from '../stores/connection-store';
import { createDashboardStore } from '../stores/dashboard-store';
import { createSessionStore, NOT_STAFF_MESSAGE, SESSION_EXPIRED_MESSAGE } from '../stores/session-store';
import type { LiveCommands, RevenueRange, TimerHandle } from '../types';
import type { LiveEngine } from '../engine-interface';
import { initialFollowerState, isFromLeader, receiveState, type FollowerState } from './follower-state';
import { jwtSubject } from './jwt-subject';
import { signInStaff } from './sign-in-staff';
import { createLeaderLock } from './leader-lock';
import { answered, heard, watchdogStep, type Watch } from './leader-watchdog';
import { createLeader, type Leader, type TabPrefs } from './leader';
import type { PageVisibility, TabsClock, TabsPlatform } from './tab-ports';
import { leaderLockName, parseTabMessage, tabsChannelName, type TabMessage, type TabSnapshot } from './tab-messages';
import { createTabView } from './tab-view';
import type { ViewStores } from '../stores/store-types';

const WATCHDOG_MS = 500;
const SESSION_RETRY_MS = 5000;
/** a sign-out asked of a leader that does not answer is done here */
const SIGN_OUT_FALLBACK_MS = 2000;
/** after leading: close the socket once the channels are gone (supabase-js would keep it ~50 s) */
const DISCONNECT_AFTER_MS = 1000;
/** a signed-out tab that hears a leader looks at the stored session again, at most this often */
const SIGNED_OUT_RECHECK_MS = 2000;

export type TabRole = 'idle' | 'checking' | 'signed-out' | 'follower' | 'leader' | 'suspended' | 'stopped';

export interface TabsDeps {
  client: AppSupabaseClient;
  api: LiveApi;
  platform: TabsPlatform;
  clock: TabsClock;
  projectUrl: string;
  /** the stores the components read */
  stores: ViewStores;
  /** this page's visibility (the leader's engine polls slower only when every tab is hidden) */
  visibility: PageVisibility;
  createEngine(stores: ViewStores, revenueRange: RevenueRange, visibility: PageVisibility): LiveEngine;
  tabId?: string;
}

export interface TabsCoordinator extends LiveCommands {
  start(): void;
  stop(): void;
  role(): TabRole;
  /** the leader's state this tab holds (a follower's last snapshot, or the leader's own) */
  held(): TabSnapshot | null;
  readonly tabId: string;
}

type Outgoing = Parameters<Parameters<typeof createLeader>[0]['post']>[0];

function isSessionRejected(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

function newTabId(random: () => number): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${random().toString(36).slice(2)}${random().toString(36).slice(2)}`;
}

/**
 * One realtime connection per browser and user: tabs elect a leader with Web Locks; the leader
 * runs the engine, the others render its snapshots from a BroadcastChannel. Hand-over when the
 * leader closes, crashes, is frozen (it releases on pagehide/freeze) or stops answering (its lock
 * is stolen after a ping goes unanswered).
 */
export function createTabsCoordinator(deps: TabsDeps): TabsCoordinator {
  const { client, api, platform, clock } = deps;
  const tabId = deps.tabId ?? newTabId(clock.random);
  const view = createTabView(deps.stores);
  let role: TabRole = 'idle';
  /** bumped on every role change: late async answers for an older role are dropped */
  let roleGeneration = 0;
  let userId: string | null = null;
  let maxTerm = 0;
  let follower: FollowerState = initialFollowerState;
  let leader: Leader | null = null;
  const lock = createLeaderLock(platform.locks);
  let watch: Watch = heard(0);
  let snapshotAskedAt = -Infinity;
  let signedOutCheckAt = -Infinity;
  let prefs: TabPrefs = { paused: false, hidden: deps.visibility.isHidden(), range: view.range() };
  const timers = new Map<string, TimerHandle>();
  const cleanups: Array<() => void> = [];
  let channel: ReturnType<TabsPlatform['openChannel']> | null = null;

  function later(name: string, ms: number, fn: () => void) {
    cancel(name);
    timers.set(name, clock.setTimeout(() => {
      timers.delete(name);
      fn();
    }, ms));
  }
  function cancel(name: string) {
    const t = timers.get(name);
    if (t !== undefined) clock.clearTimeout(t);
    timers.delete(name);
  }

  function post(body: Outgoing) {
    if (channel && userId) channel.postMessage({ ...body, from: tabId, user: userId });
  }

  /** leaves the current role: engine, lock and timers are released */
  function transition(next: TabRole): number {
    roleGeneration += 1;
    const wasLeader = leader !== null;
    if (leader) {
      leader.stop();
      leader = null;
    }
    lock.release();
    // a former leader's pending socket close outlives later role changes (a re-check, say)
    for (const name of [...timers.keys()]) if (name !== 'disconnect') cancel(name);
    role = next;
    if (wasLeader) later('disconnect', DISCONNECT_AFTER_MS, disconnectIdle);
    return roleGeneration;
  }

  function disconnectIdle() {
    const realtime = client.realtime as AppSupabaseClient['realtime'] | undefined;
    if (role === 'leader' || !realtime || realtime.getChannels().length > 0) return;
    void realtime.disconnect().catch(() => undefined);
  }

  // ---- session ------------------------------------------------------------------------------

  async function check() {
    const mine = transition('checking');
    try {
      const session = await api.getSession(client);
      if (mine !== roleGeneration) return;
      const user = session ? jwtSubject(session.accessToken) : null;
      if (user) enterFollower(user);
      else enterSignedOut(undefined); // still signed out: keep the message the tab shows
    } catch (error) {
      if (mine !== roleGeneration) return;
      if (isSessionRejected(error)) enterSignedOut(SESSION_EXPIRED_MESSAGE);
      else later('session-retry', SESSION_RETRY_MS, () => void check()); // unreachable: keep the stored session
    }
  }

  /** `message` undefined: keep the one shown (a re-check must not wipe "Your session expired") */
  function enterSignedOut(message: string | null | undefined) {
    if (userId !== null) post({ type: 'bye' });
    transition('signed-out');
    userId = null;
    follower = initialFollowerState;
    prefs = { ...prefs, paused: false };
    const shown = deps.stores.session.getState();
    view.signedOut(message !== undefined ? message : shown.status === 'signed-out' ? shown.message : null);
  }

  // ---- follower -----------------------------------------------------------------------------

  function enterFollower(user: string) {
    transition('follower');
    // keep what is shown (to resume from), but follow whichever leader speaks now: the one this tab
    // knew may be gone, and a tab that never heard of it may lead with a lower term
    follower = userId === user ? { ...initialFollowerState, snapshot: follower.snapshot } : initialFollowerState;
    userId = user;
    watch = heard(clock.monotonic());
    askSnapshot();
    post({ type: 'presence', paused: prefs.paused, hidden: prefs.hidden, range: prefs.range });
    requestLock(false);
    later('watchdog', WATCHDOG_MS, watchdog);
  }

  function askSnapshot() {
    const monotonicNow = clock.monotonic();
    if (monotonicNow - snapshotAskedAt < 200) return;
    snapshotAskedAt = monotonicNow;
    post({ type: 'hello' });
  }

  function watchdog() {
    if (role !== 'follower') return;
    const step = watchdogStep(watch, clock.monotonic(), clock.random(), !prefs.hidden);
    watch = step.watch;
    if (step.action === 'ping') post({ type: 'ping' });
    if (step.action === 'steal') {
      // the lock is held by a tab that no longer answers (its event loop is stuck), or whose timers
      // are starved while this tab is on screen: take it
      lock.release();
      requestLock(true);
    }
    later('watchdog', WATCHDOG_MS, watchdog);
  }

  function requestLock(steal: boolean) {
    const user = userId;
    if (!user) return;
    lock.request(leaderLockName(deps.projectUrl, user), {
      steal,
      accept: () => role === 'follower' && userId === user,
      onGranted: becomeLeader,
      onLost: () => {
        if (role === 'leader') stepDown();
      },
    });
  }

  function onFollowerMessage(msg: TabMessage) {
    if (msg.type === 'snapshot' || msg.type === 'delta') {
      const fromLeader = isFromLeader(follower, { from: msg.from, term: msg.term });
      const got = receiveState(follower, msg);
      follower = got.state;
      if (fromLeader) watch = answered(watch, clock.monotonic());
      if (got.needSnapshot) askSnapshot();
      if (got.changed && follower.snapshot) {
        view.show(follower.snapshot);
        if (follower.snapshot.session.status === 'signed-out') enterSignedOut(follower.snapshot.session.message);
      }
    } else if (msg.type === 'heartbeat') {
      if (!isFromLeader(follower, msg)) return;
      watch = msg.answer ? answered(watch, clock.monotonic()) : heard(clock.monotonic());
      const current = follower.leader?.term === msg.term && follower.leader.tab === msg.from;
      if (!current || msg.seq > follower.publishSeq) askSnapshot();
      post({ type: 'presence', paused: prefs.paused, hidden: prefs.hidden, range: prefs.range });
    }
  }

  // ---- leader -------------------------------------------------------------------------------

  function becomeLeader() {
    if (!userId) return;
    role = 'leader';
    cancel('watchdog');
    cancel('disconnect');
    // above every term this tab heard of, and (through the browser's shared clock) above those of
    // leaders it never heard of
    maxTerm = Math.max(maxTerm + 1, Date.now());
    const shown = follower.snapshot ?? view.current();
    const resume = shown && shown.session.user?.id === userId ? shown : null;
    const session = deps.stores.session.getState();
    leader = createLeader({
      stores: { dashboard: createDashboardStore(), connection: createConnectionStore(), session: createSessionStore() },
      tabId,
      userId,
      term: maxTerm,
      clock,
      post,
      createEngine: deps.createEngine,
      fetchSeries: (range) => api.getRevenueSeriesAtHead(client, revenueWindow(range, Date.now())),
      own: () => prefs,
      resume,
      heldSession: session.status === 'signed-in' && session.user?.id === userId ? { status: session.status, user: session.user, message: null } : null,
      onSnapshot: (snapshot: TabSnapshot) => view.show(snapshot),
      onSignedOut: (message) => {
        if (role === 'leader') enterSignedOut(message);
      },
      onSuperseded: () => stepDown(),
    });
  }

  function stepDown() {
    const user = userId;
    if (user) enterFollower(user);
  }

  // ---- wiring -------------------------------------------------------------------------------

  function onMessage(event: { data: unknown }) {
    const msg = parseTabMessage(event.data);
    if (!msg || msg.from === tabId) return;
    if ('term' in msg) maxTerm = Math.max(maxTerm, msg.term);
    if (role === 'signed-out') {
      // another tab signed in (its leader is up): this tab's storage has the session too
      if (msg.type === 'heartbeat' && clock.monotonic() - signedOutCheckAt > SIGNED_OUT_RECHECK_MS) {
        signedOutCheckAt = clock.monotonic();
        void check();
      }
      return;
    }
    if (msg.user !== userId) return;
    if (role === 'leader') leader?.handle(msg);
    else if (role === 'follower') onFollowerMessage(msg);
  }

  function onAuthEvent(event: string) {
    if (event === 'SIGNED_IN' && role === 'signed-out') void check();
    // signed out in another tab: the leader's snapshot says so; if no leader answers, do it here
    if (event === 'SIGNED_OUT' && role === 'follower') later('sign-out', SIGN_OUT_FALLBACK_MS, () => enterSignedOut(null));
  }

  function isFollowing(): boolean {
    return role === 'follower' || role === 'leader';
  }

  function announce() {
    if (role === 'leader') leader?.ownChanged();
    else if (role === 'follower') post({ type: 'presence', paused: prefs.paused, hidden: prefs.hidden, range: prefs.range });
  }

  return {
    tabId,
    role: () => role,
    held: () => (role === 'leader' ? (leader?.last() ?? null) : role === 'follower' ? follower.snapshot : null),
    start() {
      if (role !== 'idle') return;
      channel = platform.openChannel(tabsChannelName(deps.projectUrl));
      channel.addEventListener('message', onMessage);
      const { data } = client.auth.onAuthStateChange((event) => {
        clock.setTimeout(() => onAuthEvent(event), 0); // never call back into auth-js from its callback
      });
      cleanups.push(() => data.subscription.unsubscribe());
      cleanups.push(
        deps.visibility.onVisibilityChange((hidden) => {
          prefs = { ...prefs, hidden };
          announce();
        }),
        platform.onLifecycle((event) => {
          if (event === 'suspend' && role !== 'stopped' && role !== 'suspended') {
            post({ type: 'bye' });
            transition('suspended');
          } else if (event === 'restore' && role === 'suspended') {
            void check();
          }
        }),
      );
      void check();
    },
    stop() {
      if (role === 'stopped') return;
      post({ type: 'bye' });
      transition('stopped');
      cancel('disconnect'); // unmounting: the client goes with the page
      for (const cleanup of cleanups.splice(0)) cleanup();
      channel?.removeEventListener('message', onMessage);
      channel?.close();
      channel = null;
    },
    pause() {
      if (role !== 'leader' && role !== 'follower') return;
      prefs = { ...prefs, paused: true };
      view.setPaused(true);
      announce();
    },
    resume() {
      if (!prefs.paused) return;
      prefs = { ...prefs, paused: false };
      view.setPaused(false);
      announce();
    },
    setRevenueRange(range) {
      prefs = { ...prefs, range };
      view.setRange(range);
      announce();
    },
    loadOlderActivity() {
      if (role === 'leader') leader?.run({ name: 'load-older' });
      else if (role === 'follower') post({ type: 'command', command: { name: 'load-older' } });
    },
    retry(part) {
      if (role === 'leader') leader?.run({ name: 'retry', part });
      else if (role === 'follower') post({ type: 'command', command: { name: 'retry', part } });
    },
    async signIn(email, password) {
      if (role === 'leader' || role === 'follower') return { error: null };
      if (role === 'stopped' || role === 'suspended') return { error: 'This tab is not active. Reload it and try again.' };
      const result = await signInStaff(api, client, email, password);
      if ('error' in result) {
        if (result.error === NOT_STAFF_MESSAGE) view.signedOut(NOT_STAFF_MESSAGE);
        return result;
      }
      view.signedIn(result.user);
      // auth-js's SIGNED_IN may have made this tab follow already
      const following = isFollowing() && userId === result.userId; // the await above may have moved the role
      if (!following) enterFollower(result.userId);
      return { error: null };
    },
    async signOut() {
      if (role === 'leader' && leader) {
        await leader.engine.signOut();
        return;
      }
      if (role === 'follower') {
        post({ type: 'command', command: { name: 'sign-out' } });
        later('sign-out', SIGN_OUT_FALLBACK_MS, () => {
          void api.signOut(client).catch(() => undefined);
          enterSignedOut(null);
        });
        return;
      }
      await api.signOut(client).catch(() => undefined);
      enterSignedOut(null);
    },
  };
}

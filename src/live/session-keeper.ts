import { ApiError, errorMessage, isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveApi } from './live-api';
import { NOT_STAFF_MESSAGE, SESSION_EXPIRED_MESSAGE } from './stores/session-store';
import type { ConnectionEvent, LiveEnvironment, StaffUser, TimerHandle } from './types';
import type { SessionStore } from './stores/store-types';

export interface SessionKeeperDeps {
  api: LiveApi;
  client: AppSupabaseClient;
  env: LiveEnvironment;
  sessionStore: SessionStore;
  retryDelay(): number;
  signal(event: ConnectionEvent): void;
  /** a staff member is signed in: start the data */
  onSignedIn(user: StaffUser): void;
  /** the session ended: stop and clear everything (before the store says signed-out) */
  onSignedOut(): void;
}

/** The server refused the session itself (not the network, not a server fault). */
function isSessionRejected(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.code !== '42501';
}

/**
 * Sign-in, sign-out and keeping the token fresh for realtime. A session that can no longer be
 * refreshed ends in a clean sign-out with a message, never in a silent dead dashboard.
 */
export function createSessionKeeper(deps: SessionKeeperDeps) {
  const { api, client, env, sessionStore } = deps;
  let signedIn = false;
  let signingOut = false;
  let stopped = false;
  /** bumped on sign-in/out: late answers for another session are dropped */
  let sessionGeneration = 0;
  let needsRefresh = false;
  let check: Promise<boolean> | null = null;
  let restoreTimer: TimerHandle | null = null;

  async function handTokenToRealtime(token: string) {
    try {
      await client.realtime.setAuth(token);
    } catch {
      // realtime falls back to the client's own token callback
    }
  }

  /** Makes sure realtime joins with a valid token: refreshes first after sleep, expiry or a long offline. */
  function ensure(): Promise<boolean> {
    check ??= (async () => {
      const mine = sessionGeneration;
      try {
        const session = needsRefresh ? await api.refreshSession(client) : await api.getSession(client);
        if (mine !== sessionGeneration) return false;
        if (!session) {
          await end(SESSION_EXPIRED_MESSAGE);
          return false;
        }
        needsRefresh = false;
        await handTokenToRealtime(session.accessToken);
        return true;
      } catch (error) {
        if (mine !== sessionGeneration) return false;
        if (!isSessionRejected(error)) return false; // unreachable or a server fault: try again later
        await end(SESSION_EXPIRED_MESSAGE);
        return false;
      } finally {
        check = null;
      }
    })();
    return check;
  }

  async function enter(): Promise<string | null> {
    const mine = sessionGeneration;
    try {
      const user = await api.getCurrentStaff(client);
      if (mine !== sessionGeneration || stopped) return null;
      signedIn = true;
      sessionStore.getState().signedIn(user);
      deps.onSignedIn(user);
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.code === '42501') {
        await end(NOT_STAFF_MESSAGE);
        return NOT_STAFF_MESSAGE;
      }
      throw error;
    }
  }

  async function restore() {
    restoreTimer = null;
    try {
      const session = await api.getSession(client);
      if (stopped) return;
      if (!session) {
        sessionStore.getState().signedOut(null);
        return;
      }
      await handTokenToRealtime(session.accessToken);
      await enter();
    } catch (error) {
      if (stopped) return;
      if (isSessionRejected(error)) {
        await end(SESSION_EXPIRED_MESSAGE);
        return;
      }
      // nothing reachable (or a server fault) at start-up: keep the stored session and try again
      if (isNetworkError(error)) deps.signal({ type: 'sync-failed', at: env.now(), error: 'Cannot reach the server', network: true });
      else deps.signal({ type: 'rpc-error', error: `session: ${errorMessage(error)}` });
      restoreTimer = env.setTimeout(() => void restore(), deps.retryDelay());
    }
  }

  async function end(message: string | null) {
    if (signingOut) return;
    signingOut = true;
    sessionGeneration += 1;
    signedIn = false;
    deps.onSignedOut();
    try {
      await api.signOut(client);
    } catch {
      // the local session is gone either way
    }
    signingOut = false;
    sessionStore.getState().signedOut(message);
  }

  return {
    restore,
    ensure,
    end,
    isSignedIn: () => signedIn,
    /** the next ensure() refreshes the session instead of trusting the stored one */
    requireRefresh() {
      needsRefresh = true;
    },
    async signIn(email: string, password: string): Promise<{ error: string | null }> {
      if (signedIn) return { error: null };
      sessionGeneration += 1;
      try {
        const session = await api.signInWithPassword(client, { email, password });
        await handTokenToRealtime(session.accessToken);
        return { error: await enter() };
      } catch (error) {
        if (isNetworkError(error)) return { error: 'Cannot reach the server. Check your connection and try again.' };
        return { error: errorMessage(error) };
      }
    },
    onAuthEvent(event: string) {
      // auth-js signs out by itself when the refresh token is rejected
      if (event === 'SIGNED_OUT' && signedIn && !signingOut) void end(SESSION_EXPIRED_MESSAGE);
    },
    stop() {
      stopped = true;
      sessionGeneration += 1;
      if (restoreTimer !== null) env.clearTimeout(restoreTimer);
      restoreTimer = null;
    },
  };
}

import { create } from 'zustand';
import type { SessionStore, SessionStoreState } from './store-types';

export const SESSION_EXPIRED_MESSAGE = 'Your session expired. Please sign in again.';
export const NOT_STAFF_MESSAGE = 'This account has no access to the dashboard.';

export function createSessionStore(): SessionStore {
  return create<SessionStoreState>()((set) => ({
    status: 'loading',
    user: null,
    message: null,
    signedIn: (user) => set({ status: 'signed-in', user, message: null }),
    signedOut: (message = null) => set({ status: 'signed-out', user: null, message }),
    loading: () => set({ status: 'loading' }),
  }));
}

export const useSessionStore: SessionStore = createSessionStore();

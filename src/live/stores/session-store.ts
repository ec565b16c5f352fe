import { create } from 'zustand';
import type { StaffUser } from '../types';

export const SESSION_EXPIRED_MESSAGE = 'Your session expired. Please sign in again.';
export const NOT_STAFF_MESSAGE = 'This account has no access to the dashboard.';

export interface SessionState {
  status: 'loading' | 'signed-in' | 'signed-out';
  user: StaffUser | null;
  /** why the user was signed out, e.g. SESSION_EXPIRED_MESSAGE */
  message: string | null;
}

export interface SessionStoreState extends SessionState {
  signedIn: (user: StaffUser) => void;
  signedOut: (message?: string | null) => void;
  loading: () => void;
}

export function createSessionStore() {
  return create<SessionStoreState>()((set) => ({
    status: 'loading',
    user: null,
    message: null,
    signedIn: (user) => set({ status: 'signed-in', user, message: null }),
    signedOut: (message = null) => set({ status: 'signed-out', user: null, message }),
    loading: () => set({ status: 'loading' }),
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;

export const useSessionStore: SessionStore = createSessionStore();

import { ApiError, errorMessage, isNetworkError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { LiveApi } from '../live-api';
import { NOT_STAFF_MESSAGE } from '../stores/session-store';
import type { StaffUser } from '../types';
import { jwtSubject } from './jwt-subject';

/**
 * A tab's own sign-in (no engine runs before a leader is elected): the password grant, then the
 * staff check. A user without a staff profile is signed out again. Errors are the login form's words.
 */
export async function signInStaff(
  api: LiveApi,
  client: AppSupabaseClient,
  email: string,
  password: string,
): Promise<{ userId: string; user: StaffUser } | { error: string }> {
  try {
    const session = await api.signInWithPassword(client, { email, password });
    const user = await api.getCurrentStaff(client);
    return { userId: jwtSubject(session.accessToken) ?? user.id, user };
  } catch (error) {
    if (error instanceof ApiError && error.code === '42501') {
      await api.signOut(client).catch(() => undefined);
      return { error: NOT_STAFF_MESSAGE };
    }
    if (isNetworkError(error)) return { error: 'Cannot reach the server. Check your connection and try again.' };
    return { error: errorMessage(error) };
  }
}

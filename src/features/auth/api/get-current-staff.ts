import { toApiError } from '@/lib/api-error';
import { ParseError, requireObject, requireString } from '@/lib/parse';
import type { AppSupabaseClient } from '@/lib/supabase';
import type { StaffUser } from '@/live/types';

export function parseCurrentStaff(data: unknown): StaffUser {
  const o = requireObject(data, 'current_staff');
  const role = requireString(o.role, 'current_staff.role');
  if (role !== 'admin' && role !== 'support') throw new ParseError(`Unexpected role: ${role}`);
  const email = requireString(o.email, 'current_staff.email');
  return {
    id: requireString(o.id, 'current_staff.id'),
    email,
    displayName: typeof o.display_name === 'string' && o.display_name !== '' ? o.display_name : email,
    role,
  };
}

export async function getCurrentStaff(client: AppSupabaseClient): Promise<StaffUser> {
  const { data, error, status } = await client.rpc('current_staff');
  if (error) throw toApiError(error, status);
  return parseCurrentStaff(data);
}

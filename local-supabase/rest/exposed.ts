/** The one schema the local stack exposes (Supabase's default `public`). */
export const EXPOSED_SCHEMA = 'public';

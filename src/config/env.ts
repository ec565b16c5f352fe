export interface Env {
  supabaseUrl: string;
  supabaseAnonKey: string;
}

function required(name: 'VITE_SUPABASE_URL' | 'VITE_SUPABASE_ANON_KEY'): string {
  const value: unknown = import.meta.env[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `Missing ${name}. Copy .env.example to .env.local and set it (for the local stack: npm run stack prints the URL and anon key).`,
    );
  }
  return value.trim();
}

let cached: Env | null = null;

/** Reads import.meta.env once; throws a clear error naming the missing variable. */
export function getEnv(): Env {
  cached ??= { supabaseUrl: required('VITE_SUPABASE_URL'), supabaseAnonKey: required('VITE_SUPABASE_ANON_KEY') };
  return cached;
}

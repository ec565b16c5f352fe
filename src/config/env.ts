/** How the live dashboard hears about changes (see the README's live engine section). */
export type LiveTransportSetting = 'postgres_changes' | 'broadcast';

export interface Env {
  supabaseUrl: string;
  supabaseAnonKey: string;
  liveTransport: LiveTransportSetting;
}

const TRANSPORTS: readonly LiveTransportSetting[] = ['postgres_changes', 'broadcast'];
export const DEFAULT_LIVE_TRANSPORT: LiveTransportSetting = 'postgres_changes';

function required(name: 'VITE_SUPABASE_URL' | 'VITE_SUPABASE_ANON_KEY'): string {
  const value: unknown = import.meta.env[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(
      `Missing ${name}. Copy .env.example to .env.local and set it (for the local stack: npm run stack prints the URL and anon key).`,
    );
  }
  return value.trim();
}

function transport(): LiveTransportSetting {
  const value: unknown = import.meta.env.VITE_LIVE_TRANSPORT;
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return DEFAULT_LIVE_TRANSPORT;
  const setting = typeof value === 'string' ? value.trim() : value;
  if (!TRANSPORTS.includes(setting as LiveTransportSetting)) {
    throw new Error(`VITE_LIVE_TRANSPORT must be postgres_changes or broadcast, not ${JSON.stringify(value)}. Fix it in .env.local or the build's environment.`);
  }
  return setting as LiveTransportSetting;
}

let cached: Env | null = null;

/** Reads import.meta.env once; throws a clear error naming the missing or invalid variable. */
export function getEnv(): Env {
  cached ??= { supabaseUrl: required('VITE_SUPABASE_URL'), supabaseAnonKey: required('VITE_SUPABASE_ANON_KEY'), liveTransport: transport() };
  return cached;
}

/** True when the app talks to a stack on this machine, where the demo logins exist. */
export function isLocalSupabase(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const { hostname } = new URL(url);
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]' || hostname === '::1';
  } catch {
    return false;
  }
}

export const DEMO_LOGINS = [
  { email: 'admin@example.com', password: 'password123', role: 'admin' },
  { email: 'support@example.com', password: 'password123', role: 'support' },
] as const;

import { AuthClient, type AuthChangeEvent } from '@supabase/auth-js';
import { PostgrestClient } from '@supabase/postgrest-js';
import { RealtimeClient } from '@supabase/realtime-js';
// Types only: the umbrella client's code (storage, functions, tracing) never reaches the bundle.
import type { SupabaseClient, SupabaseClientOptions } from '@supabase/supabase-js';
import { getEnv } from '@/config/env';
import type { Database } from '@/types/database';
import { canRunWorkers, liveWorkerUrl } from './live-worker-url';

/**
 * What the app uses of a Supabase client: the data API (rpc, from), auth and realtime. The
 * umbrella `SupabaseClient<Database>` of @supabase/supabase-js has all of it, so tests may pass
 * one; the app's own client (below) is built from the three parts it needs.
 */
export type AppSupabaseClient = Pick<
  SupabaseClient<Database>,
  'auth' | 'realtime' | 'from' | 'schema' | 'rpc' | 'channel' | 'getChannels' | 'removeChannel' | 'removeAllChannels'
>;

/** The options of supabase-js's createClient that this client honours (no storage, functions, accessToken or tracing). */
export type AppSupabaseClientOptions = Pick<SupabaseClientOptions<'public'>, 'auth' | 'realtime' | 'global'> & {
  db?: Omit<NonNullable<SupabaseClientOptions<'public'>['db']>, 'schema'>;
};

type Fetch = typeof fetch;

// The version of @supabase/supabase-js whose client this reproduces, and whose part packages
// (auth-js, postgrest-js, realtime-js) package.json pins; a unit test keeps them in step.
export const SUPABASE_JS_VERSION = '2.109.0';
const CLIENT_INFO = `supabase-js/${SUPABASE_JS_VERSION}; runtime=web`;

function baseUrlOf(supabaseUrl: string): URL {
  const trimmed = supabaseUrl?.trim();
  if (!trimmed) throw new Error('supabaseUrl is required.');
  if (!/^https?:\/\//i.test(trimmed)) throw new Error('Invalid supabaseUrl: Must be a valid HTTP or HTTPS URL.');
  try {
    return new URL(trimmed.endsWith('/') ? trimmed : `${trimmed}/`);
  } catch {
    throw new Error('Invalid supabaseUrl: Provided URL is malformed.');
  }
}

/**
 * supabase-js's fetchWithAuth: every data API (and realtime HTTP) request carries the anon key as
 * `apikey` and the session's access token (the anon key when signed out) as the bearer, unless
 * the caller set them.
 */
function fetchWithAuth(supabaseKey: string, getAccessToken: () => Promise<string>, customFetch?: Fetch): Fetch {
  const doFetch: Fetch = customFetch ? (...args) => customFetch(...args) : (...args) => fetch(...args);
  return async (input, init) => {
    const accessToken = (await getAccessToken()) ?? supabaseKey;
    const headers = new Headers(init?.headers);
    if (!headers.has('apikey')) headers.set('apikey', supabaseKey);
    if (!headers.has('Authorization')) headers.set('Authorization', `Bearer ${accessToken}`);
    return doFetch(input, { ...init, headers });
  };
}

/**
 * The app's Supabase client: auth-js, postgrest-js and realtime-js wired as supabase-js 2.109's
 * SupabaseClient wires them (same URLs, default options, storage key, headers, fetchWithAuth,
 * and the session's token handed to realtime on sign-in, refresh and sign-out), without the
 * storage, functions and tracing code the app never calls.
 */
class AppClient implements AppSupabaseClient {
  readonly auth: AppSupabaseClient['auth'];
  readonly realtime: RealtimeClient;
  private readonly rest: PostgrestClient<Database>;
  private changedAccessToken: string | undefined;

  constructor(
    private readonly supabaseKey: string,
    baseUrl: URL,
    options: AppSupabaseClientOptions,
  ) {
    const realtimeUrl = new URL('realtime/v1', baseUrl);
    realtimeUrl.protocol = realtimeUrl.protocol.replace('http', 'ws');
    const headers: Record<string, string> = { 'X-Client-Info': CLIENT_INFO, ...options.global?.headers };
    const customFetch = options.global?.fetch;
    const auth = {
      autoRefreshToken: true,
      persistSession: true,
      detectSessionInUrl: true,
      flowType: 'implicit' as const,
      storageKey: `sb-${baseUrl.hostname.split('.')[0]}-auth-token`,
      ...options.auth,
    };

    // SupabaseAuthClient is AuthClient under another name.
    this.auth = new AuthClient({
      url: new URL('auth/v1', baseUrl).href,
      headers: { Authorization: `Bearer ${supabaseKey}`, apikey: supabaseKey, ...headers },
      storageKey: auth.storageKey,
      autoRefreshToken: auth.autoRefreshToken,
      persistSession: auth.persistSession,
      detectSessionInUrl: auth.detectSessionInUrl,
      storage: auth.storage,
      userStorage: auth.userStorage,
      flowType: auth.flowType,
      lock: auth.lock,
      debug: auth.debug,
      throwOnError: auth.throwOnError,
      experimental: auth.experimental,
      fetch: customFetch,
      lockAcquireTimeout: auth.lockAcquireTimeout,
      skipAutoInitialize: auth.skipAutoInitialize,
      hasCustomAuthorizationHeader: Object.keys(headers).some((key) => key.toLowerCase() === 'authorization'),
    });

    const getAccessToken = () => this.getAccessToken();
    const authedFetch = fetchWithAuth(supabaseKey, getAccessToken, customFetch);
    this.realtime = new RealtimeClient(realtimeUrl.href, {
      headers,
      accessToken: getAccessToken,
      fetch: authedFetch,
      ...options.realtime,
      params: { apikey: supabaseKey, ...options.realtime?.params },
    });
    this.rest = new PostgrestClient<Database>(new URL('rest/v1', baseUrl).href, {
      headers,
      schema: 'public',
      fetch: authedFetch,
      timeout: options.db?.timeout,
      urlLengthLimit: options.db?.urlLengthLimit,
    });

    this.auth.onAuthStateChange((event, session) => this.handleTokenChanged(event, session?.access_token));
  }

  /** The session's access token, or the anon key when signed out. */
  private async getAccessToken(): Promise<string> {
    const { data } = await this.auth.getSession();
    return data.session?.access_token ?? this.supabaseKey;
  }

  /** Realtime joins and pushes with the current token: a new one on sign-in and refresh, none after sign-out. */
  private handleTokenChanged(event: AuthChangeEvent, token: string | undefined) {
    if ((event === 'TOKEN_REFRESHED' || event === 'SIGNED_IN') && this.changedAccessToken !== token) {
      this.changedAccessToken = token;
      void this.realtime.setAuth(token);
    } else if (event === 'SIGNED_OUT') {
      void this.realtime.setAuth();
      this.changedAccessToken = undefined;
    }
  }

  // The typed signatures are SupabaseClient's; the calls go to postgrest-js as supabase-js makes them.
  from = ((relation: string) => this.untypedRest().from(relation)) as AppSupabaseClient['from'];

  schema = ((schema: string) => this.untypedRest().schema(schema)) as AppSupabaseClient['schema'];

  rpc = ((fn: string, args: object = {}, options: object = { head: false, get: false, count: undefined }) =>
    this.untypedRest().rpc(fn, args, options)) as AppSupabaseClient['rpc'];

  private untypedRest() {
    return this.rest as unknown as { from(relation: string): unknown; schema(schema: string): unknown; rpc(fn: string, args: object, options: object): unknown };
  }

  channel: AppSupabaseClient['channel'] = (name, opts = { config: {} }) => this.realtime.channel(name, opts);

  getChannels: AppSupabaseClient['getChannels'] = () => this.realtime.getChannels();

  removeChannel: AppSupabaseClient['removeChannel'] = (channel) => this.realtime.removeChannel(channel);

  removeAllChannels: AppSupabaseClient['removeAllChannels'] = () => this.realtime.removeAllChannels();
}

/** The only client factory in src/. Tests pass their own URL/key (e.g. the local stack's). */
export function createSupabaseClient(url: string, anonKey: string, options: AppSupabaseClientOptions = {}): AppSupabaseClient {
  const baseUrl = baseUrlOf(url);
  if (!anonKey) throw new Error('supabaseKey is required.');
  return new AppClient(anonKey, baseUrl, options);
}

let browserClient: AppSupabaseClient | null = null;

/**
 * realtime-js's worker heartbeat: the socket's heartbeat runs on a dedicated worker's clock, so a
 * hidden leader tab (the one holding the socket) keeps it alive on time; Chrome would wake the
 * page's own heartbeat timer once a minute after 5 minutes hidden. The worker script is the app's
 * own (`live-worker.js`), never realtime-js's default blob: URL.
 */
export function realtimeWorkerOptions(): Pick<NonNullable<AppSupabaseClientOptions['realtime']>, 'worker' | 'workerUrl'> {
  return canRunWorkers() ? { worker: true, workerUrl: liveWorkerUrl() } : {};
}

/** The app's client, created on first use from VITE_SUPABASE_URL / VITE_SUPABASE_ANON_KEY. */
export function getSupabaseClient(): AppSupabaseClient {
  if (!browserClient) {
    const env = getEnv();
    browserClient = createSupabaseClient(env.supabaseUrl, env.supabaseAnonKey, { realtime: realtimeWorkerOptions() });
  }
  return browserClient;
}

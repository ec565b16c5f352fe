import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, TomlError, type TomlTable, type TomlValue } from 'smol-toml';

export type PasswordRequirements = '' | 'letters_digits' | 'lower_upper_letters_digits' | 'lower_upper_letters_digits_symbols';

/**
 * The settings of supabase/config.toml the local stack honours. Defaults are the Supabase CLI's
 * (its config template), so a missing key behaves as under `supabase start`.
 */
export interface StackConfig {
  api: {
    /** [api] max_rows: the most rows one PostgREST response returns. */
    maxRows: number;
    /** [api] schemas (PostgREST's db-schemas): the first is the default, the others need a profile header. */
    schemas: string[];
  };
  auth: {
    /** [auth] enable_signup (GOTRUE_DISABLE_SIGNUP is its negation). */
    enableSignup: boolean;
    jwtExpiry: number;
    refreshTokenReuseInterval: number;
    minimumPasswordLength: number;
    passwordRequirements: PasswordRequirements;
    enableAnonymousSignIns: boolean;
    email: {
      /**
       * The e-mail provider (GOTRUE_EXTERNAL_EMAIL_ENABLED): `[auth.email] enable_signup`, named
       * `enabled` in newer CLI templates; false refuses e-mail sign-ups and sign-ins.
       */
      enabled: boolean;
      /** [auth.email] enable_confirmations (GOTRUE_MAILER_AUTOCONFIRM is its negation). */
      enableConfirmations: boolean;
      /** [auth.email] max_frequency in seconds: the least time between two confirmation mails. */
      maxFrequencySec: number;
    };
    /** [auth.rate_limit]: requests per IP per window (5 min; 1 h for anonymous users, e-mails, SMS). */
    rateLimit: {
      emailSent: number;
      smsSent: number;
      anonymousUsers: number;
      tokenRefresh: number;
      signInSignUps: number;
      tokenVerifications: number;
      web3: number;
    };
  };
}

export type ConfigOverrides = { [K in keyof StackConfig]?: DeepPartial<StackConfig[K]> };
type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export const DEFAULT_CONFIG: StackConfig = {
  api: { maxRows: 1000, schemas: ['public', 'graphql_public'] },
  auth: {
    enableSignup: true,
    jwtExpiry: 3600,
    refreshTokenReuseInterval: 10,
    minimumPasswordLength: 6,
    passwordRequirements: '',
    enableAnonymousSignIns: false,
    email: { enabled: true, enableConfirmations: false, maxFrequencySec: 1 },
    rateLimit: { emailSent: 2, smsSent: 30, anonymousUsers: 30, tokenRefresh: 150, signInSignUps: 30, tokenVerifications: 30, web3: 30 },
  },
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(`supabase/config.toml: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Reads `<root>/supabase/config.toml`; defaults when the file is missing, ConfigError when it is wrong. */
export function loadConfig(root: string): StackConfig {
  const file = join(root, 'supabase', 'config.toml');
  if (!existsSync(file)) return structuredClone(DEFAULT_CONFIG);
  return configFromToml(readFileSync(file, 'utf8'));
}

export function configFromToml(text: string): StackConfig {
  let doc: TomlTable;
  try {
    doc = parse(text);
  } catch (err) {
    // smol-toml's message is "Invalid TOML document: <reason>" followed by a code frame.
    if (err instanceof TomlError) throw new ConfigError(`line ${err.line}: ${err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')}`);
    throw err;
  }
  const d = DEFAULT_CONFIG;
  const api = table(doc, 'api');
  const auth = table(doc, 'auth');
  const email = table(auth, 'email', 'auth.');
  const rate = table(auth, 'rate_limit', 'auth.');
  const num = (t: TomlTable, prefix: string, key: string, fallback: number) => nonNegativeInt(t[key], `${prefix}${key}`, fallback);
  const bool = (t: TomlTable, prefix: string, key: string, fallback: boolean) => boolean(t[key], `${prefix}${key}`, fallback);
  return {
    api: { maxRows: num(api, 'api.', 'max_rows', d.api.maxRows), schemas: stringList(api.schemas, 'api.schemas', d.api.schemas) },
    auth: {
      enableSignup: bool(auth, 'auth.', 'enable_signup', d.auth.enableSignup),
      jwtExpiry: num(auth, 'auth.', 'jwt_expiry', d.auth.jwtExpiry),
      refreshTokenReuseInterval: num(auth, 'auth.', 'refresh_token_reuse_interval', d.auth.refreshTokenReuseInterval),
      minimumPasswordLength: num(auth, 'auth.', 'minimum_password_length', d.auth.minimumPasswordLength),
      passwordRequirements: passwordRequirements(auth.password_requirements),
      enableAnonymousSignIns: bool(auth, 'auth.', 'enable_anonymous_sign_ins', d.auth.enableAnonymousSignIns),
      email: {
        enabled: bool(email, 'auth.email.', 'enabled', true) && bool(email, 'auth.email.', 'enable_signup', true),
        enableConfirmations: bool(email, 'auth.email.', 'enable_confirmations', d.auth.email.enableConfirmations),
        maxFrequencySec: duration(email.max_frequency, 'auth.email.max_frequency', d.auth.email.maxFrequencySec),
      },
      rateLimit: {
        emailSent: num(rate, 'auth.rate_limit.', 'email_sent', d.auth.rateLimit.emailSent),
        smsSent: num(rate, 'auth.rate_limit.', 'sms_sent', d.auth.rateLimit.smsSent),
        anonymousUsers: num(rate, 'auth.rate_limit.', 'anonymous_users', d.auth.rateLimit.anonymousUsers),
        tokenRefresh: num(rate, 'auth.rate_limit.', 'token_refresh', d.auth.rateLimit.tokenRefresh),
        signInSignUps: num(rate, 'auth.rate_limit.', 'sign_in_sign_ups', d.auth.rateLimit.signInSignUps),
        tokenVerifications: num(rate, 'auth.rate_limit.', 'token_verifications', d.auth.rateLimit.tokenVerifications),
        web3: num(rate, 'auth.rate_limit.', 'web3', d.auth.rateLimit.web3),
      },
    },
  };
}

/** The config with `overrides` laid over it, key by key (tests and CLI flags). */
export function withOverrides(config: StackConfig, overrides: ConfigOverrides = {}): StackConfig {
  const copy = structuredClone(config);
  merge(copy as unknown as Record<string, unknown>, overrides);
  return copy;
}

function merge(base: Record<string, unknown>, patch: object): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = base[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
      merge(current as Record<string, unknown>, value as object);
    } else base[key] = value;
  }
  return base;
}

function table(parent: TomlTable, key: string, prefix = ''): TomlTable {
  const v = parent[key];
  if (v === undefined) return {};
  if (typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) return v;
  throw new ConfigError(`[${prefix}${key}] must be a table`);
}

function nonNegativeInt(v: TomlValue | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ConfigError(`${name} must be a non-negative integer`);
  return v;
}

function stringList(v: TomlValue | undefined, name: string, fallback: string[]): string[] {
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && s !== '')) throw new ConfigError(`${name} must be a non-empty list of names`);
  return v as string[];
}

function boolean(v: TomlValue | undefined, name: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ConfigError(`${name} must be true or false`);
  return v;
}

function passwordRequirements(v: TomlValue | undefined): PasswordRequirements {
  const allowed: PasswordRequirements[] = ['', 'letters_digits', 'lower_upper_letters_digits', 'lower_upper_letters_digits_symbols'];
  if (v === undefined) return '';
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw new ConfigError(`auth.password_requirements must be one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  return found;
}

const UNIT_SEC: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** A Go duration ("1s", "1m30s", "500ms") in seconds, as the CLI reads max_frequency. */
export function parseGoDuration(text: string): number | null {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_SEC[m[2] ?? ''] ?? 0);
    consumed = re.lastIndex;
  }
  return consumed > 0 && consumed === text.length ? total : null;
}

function duration(v: TomlValue | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const sec = typeof v === 'string' ? parseGoDuration(v) : null;
  if (sec === null) throw new ConfigError(`${name} must be a duration such as "1s" or "1m0s"`);
  return sec;
}

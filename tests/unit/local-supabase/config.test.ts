import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromToml, DEFAULT_CONFIG, loadConfig, parseGoDuration, withOverrides } from '../../../local-supabase/config.ts';
import { REPO_ROOT } from '../../../local-supabase/stack.ts';

describe('loadConfig', () => {
  it("reads the project's supabase/config.toml", () => {
    const config = loadConfig(REPO_ROOT);
    expect(config.api.maxRows).toBe(1000);
    expect(config.api.schemas).toEqual(['public', 'graphql_public']);
    expect(config.auth).toMatchObject({ enableSignup: true, minimumPasswordLength: 6, jwtExpiry: 3600 });
    expect(config.auth.email).toEqual({ enabled: true, enableConfirmations: false, maxFrequencySec: 1 });
    expect(config.auth.rateLimit).toMatchObject({ signInSignUps: 30, tokenRefresh: 150, tokenVerifications: 30 });
  });

  it("answers the CLI's defaults when there is no config.toml", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      expect(loadConfig(dir)).toEqual(DEFAULT_CONFIG);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('configFromToml', () => {
  it('takes the keys it knows and leaves the rest to their defaults', () => {
    const config = configFromToml(`
      project_id = "x"
      [api]
      max_rows = 25 # a comment
      [auth]
      enable_signup = false
      minimum_password_length = 10
      password_requirements = "lower_upper_letters_digits"
      [auth.email]
      enable_confirmations = true
      max_frequency = "1m30s"
      [auth.rate_limit]
      sign_in_sign_ups = 5
    `);
    expect(config.api.maxRows).toBe(25);
    expect(config.auth.enableSignup).toBe(false);
    expect(config.auth.minimumPasswordLength).toBe(10);
    expect(config.auth.passwordRequirements).toBe('lower_upper_letters_digits');
    expect(config.auth.email).toEqual({ enabled: true, enableConfirmations: true, maxFrequencySec: 90 });
    expect(config.auth.rateLimit).toEqual({ ...DEFAULT_CONFIG.auth.rateLimit, signInSignUps: 5 });
  });

  it('turns the e-mail provider off with either [auth.email] enable_signup or enabled', () => {
    expect(configFromToml('[auth.email]\nenable_signup = false').auth.email.enabled).toBe(false);
    expect(configFromToml('[auth.email]\nenabled = false').auth.email.enabled).toBe(false);
  });

  it('reads the whole TOML language the CLI accepts (multi-line strings, dates) and ignores what it does not use', () => {
    const config = configFromToml(`
      [auth.email.template.invite]
      subject = """You are
      invited"""
      [analytics]
      since = 1979-05-27T07:32:00Z
      [api]
      max_rows = 50
    `);
    expect(config.api.maxRows).toBe(50);
  });

  it('reads [api] schemas (PostgREST db-schemas, the first the default), a non-empty list of names', () => {
    expect(configFromToml('[api]\nschemas = ["api", "public"]').api.schemas).toEqual(['api', 'public']);
    expect(configFromToml('').api.schemas).toEqual(['public', 'graphql_public']);
    expect(() => configFromToml('[api]\nschemas = []')).toThrow(new ConfigError('api.schemas must be a non-empty list of names'));
    expect(() => configFromToml('[api]\nschemas = "public"')).toThrow(new ConfigError('api.schemas must be a non-empty list of names'));
  });

  it('names the key and line of a wrong value', () => {
    expect(() => configFromToml('[api]\nmax_rows = "many"')).toThrow(new ConfigError('api.max_rows must be a non-negative integer'));
    expect(() => configFromToml('[auth]\nenable_signup = 1')).toThrow('auth.enable_signup must be true or false');
    expect(() => configFromToml('[auth]\npassword_requirements = "strong"')).toThrow(/password_requirements must be one of/);
    expect(() => configFromToml('[auth.email]\nmax_frequency = "soon"')).toThrow(/max_frequency must be a duration/);
    expect(() => configFromToml('[api]\n\nmax_rows = = 3')).toThrow('supabase/config.toml: line 3: invalid value');
  });
});

describe('withOverrides', () => {
  it('lays nested overrides over a config without changing it', () => {
    const base = structuredClone(DEFAULT_CONFIG);
    const next = withOverrides(base, { auth: { enableSignup: false, rateLimit: { tokenRefresh: 3 } } });
    expect(next.auth.enableSignup).toBe(false);
    expect(next.auth.rateLimit).toEqual({ ...DEFAULT_CONFIG.auth.rateLimit, tokenRefresh: 3 });
    expect(next.auth.email).toEqual(DEFAULT_CONFIG.auth.email);
    expect(base).toEqual(DEFAULT_CONFIG);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['1s', 1],
    ['500ms', 0.5],
    ['1m0s', 60],
    ['2h', 7200],
    ['0', 0],
  ])('%s is %d s', (text, sec) => expect(parseGoDuration(text)).toBe(sec));

  it.each(['', '5', '1x', '1s ', 's'])('refuses %j', (text) => expect(parseGoDuration(text)).toBeNull());
});

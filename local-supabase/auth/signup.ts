import { randomBytes, randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Queryable } from '../db/types.ts';
import { isDbError } from '../db/types.ts';
import type { AuthDeps } from './deps.ts';
import { DEFAULT_AUD } from './deps.ts';
import { AuthError } from './errors.ts';
import { checkPasswordStrength } from './password.ts';
import { createSession } from './sessions.ts';
import { sessionResponse } from './tokens.ts';
import type { AuthUserRow } from './user.ts';
import { loadIdentities, loadUser, toUserJson } from './user.ts';
import { insertIdentity, insertUser, updateUser, NOW } from './user-store.ts';
import { objectField, stringField, validateEmail } from './validate.ts';

export const BCRYPT_COST = 10;

/**
 * POST /signup with e-mail and password, in GoTrue's order of checks (api/signup.go). The caller has
 * already refused anonymous sign-ups and applied the rate limit, as GoTrue's router does.
 */
export async function signup(deps: AuthDeps, body: Record<string, unknown>, issuer: string): Promise<Record<string, unknown>> {
  const { auth } = deps.config;
  if (!auth.enableSignup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  const password = stringField(body, 'password');
  const rawEmail = stringField(body, 'email');
  const phone = stringField(body, 'phone');
  const data = objectField(body, 'data') ?? {};
  if (password === '') throw new AuthError(400, 'validation_failed', 'Signup requires a valid password');
  checkPasswordStrength(password, { minLength: auth.minimumPasswordLength, requirements: auth.passwordRequirements });
  if (rawEmail && phone) throw new AuthError(400, 'validation_failed', 'Only an email address or phone number should be provided on signup.');
  validatePkce(body);
  if (!rawEmail) throw new AuthError(400, 'phone_provider_disabled', 'Phone signups are disabled');
  if (!auth.email.enabled) throw new AuthError(400, 'email_provider_disabled', 'Email signups are disabled');
  const email = validateEmail(rawEmail);
  const autoconfirm = !auth.email.enableConfirmations;

  // Hashing is slow; like GoTrue, do it before the transaction.
  const existingBefore = await loadUser(deps.db, 'email', email);
  const hash = existingBefore ? '' : await bcrypt.hash(password, BCRYPT_COST);

  try {
    return await createOrAnswer();
  } catch (err) {
    // Two sign-ups for one address at once: the unique index decides, the loser is told the address is taken.
    if (isDbError(err) && err.code === '23505') throw new AuthError(422, 'user_already_exists', 'User already registered');
    throw err;
  }

  function createOrAnswer() {
    return deps.db.transaction(async (tx) => {
      const existing = await loadUser(tx, 'email', email);
      if (existing && existing.aud === DEFAULT_AUD) {
        if (existing.email_confirmed_at) {
          if (autoconfirm) throw new AuthError(422, 'user_already_exists', 'User already registered');
          // With confirmations on GoTrue does not say whether the address is taken: a made-up user.
          return obfuscatedUser(email, data);
        }
        if (autoconfirm) {
          // GoTrue would confirm this unconfirmed user and sign in without checking the password; refuse instead.
          throw new AuthError(422, 'user_already_exists', 'User already registered');
        }
        await sendConfirmation(tx, existing, deps.config.auth.email.maxFrequencySec);
        return userJson(tx, existing.id);
      }
      const user = await insertUser(tx, {
        aud: DEFAULT_AUD,
        role: 'authenticated',
        email,
        phone: null,
        encryptedPassword: hash || (await bcrypt.hash(password, BCRYPT_COST)),
        appMetadata: { provider: 'email', providers: ['email'] },
        userMetadata: autoconfirm ? { ...data, email_verified: true } : data,
        emailConfirmed: autoconfirm,
        phoneConfirmed: false,
        confirmationToken: autoconfirm ? undefined : confirmationToken(),
      });
      const identityData: Record<string, unknown> = { sub: user.id, email, email_verified: false, phone_verified: false };
      for (const [k, v] of Object.entries(data)) if (!(k in identityData)) identityData[k] = v;
      await insertIdentity(tx, user.id, 'email', identityData);
      if (!autoconfirm) return userJson(tx, user.id);

      await updateUser(tx, user.id, { last_sign_in_at: NOW });
      const fresh = (await loadUser(tx, 'id', user.id)) ?? user;
      const { sessionId, token } = await createSession(tx, user.id);
      return sessionResponse(tx, {
        keys: deps.keys,
        jwtExpirySec: deps.jwtExpirySec,
        issuer,
        user: fresh,
        sessionId,
        refreshToken: token,
        authTime: Math.floor(Date.now() / 1000),
      });
    });
  }
}

function validatePkce(body: Record<string, unknown>): void {
  const challenge = stringField(body, 'code_challenge');
  const method = stringField(body, 'code_challenge_method');
  if ((challenge === '') !== (method === '')) {
    throw new AuthError(400, 'validation_failed', 'PKCE flow requires code_challenge_method and code_challenge');
  }
}

/** No mail leaves the local stack; the token is recorded as GoTrue would, and the resend pace is kept. */
async function sendConfirmation(tx: Queryable, user: AuthUserRow, maxFrequencySec: number): Promise<void> {
  const sentAt = user.confirmation_sent_at ? Date.parse(user.confirmation_sent_at) : NaN;
  const waitMs = sentAt + maxFrequencySec * 1000 - Date.now();
  if (waitMs > 0) {
    throw new AuthError(429, 'over_email_send_rate_limit', `For security purposes, you can only request this after ${Math.floor(waitMs / 1000)} seconds.`);
  }
  await updateUser(tx, user.id, { confirmation_token: confirmationToken(), confirmation_sent_at: NOW });
}

function confirmationToken(): string {
  return randomBytes(28).toString('hex');
}

async function userJson(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  const user = (await loadUser(tx, 'id', id))!;
  return toUserJson(user, await loadIdentities(tx, id));
}

/** GoTrue's sanitizeUser: a fresh id, no identities, nothing confirmed, so a taken address looks new. */
function obfuscatedUser(email: string, data: Record<string, unknown>): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: DEFAULT_AUD,
    role: '',
    email,
    phone: '',
    confirmation_sent_at: now,
    app_metadata: { provider: 'email', providers: ['email'] },
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}

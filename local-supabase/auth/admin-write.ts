import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Queryable } from '../db/types.ts';
import { isDbError } from '../db/types.ts';
import type { AuthDeps } from './deps.ts';
import { DEFAULT_AUD } from './deps.ts';
import { AuthError } from './errors.ts';
import { checkPasswordStrength, MAX_PASSWORD_BYTES } from './password.ts';
import { BCRYPT_COST } from './signup.ts';
import type { AuthUserRow } from './user.ts';
import { loadIdentities, loadUser, toUserJson } from './user.ts';
import { insertIdentity, insertUser, logoutAll, mergeIdentityData, mergeMetadata, NOW, updateUser } from './user-store.ts';
import { boolField, objectField, parseDurationMs, stringField, validateEmail, validatePhone } from './validate.ts';

const UUID_FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BCRYPT_HASH = /^\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}$/;
export const DUPLICATE_EMAIL = 'A user with this email address has already been registered';

/** POST /admin/users (api/admin.go adminUserCreate): no password strength check there, as in GoTrue. */
export async function createUser(deps: AuthDeps, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { db } = deps;
  const aud = stringField(body, 'aud') || DEFAULT_AUD;
  let email = stringField(body, 'email');
  let phone = stringField(body, 'phone');
  if (!email && !phone) throw new AuthError(400, 'validation_failed', 'Cannot create a user without either an email or phone');
  const providers: string[] = [];
  if (email) {
    email = validateEmail(email);
    const taken = await loadUser(db, 'email', email);
    if (taken && taken.aud === aud) throw new AuthError(422, 'email_exists', DUPLICATE_EMAIL);
    providers.push('email');
  }
  if (phone) {
    phone = validatePhone(phone);
    if (await phoneTaken(db, phone, aud)) throw new AuthError(422, 'phone_exists', 'Phone number already registered by another user');
    providers.push('phone');
  }
  const password = body.password === undefined || body.password === null ? null : stringField(body, 'password');
  const passwordHash = stringField(body, 'password_hash');
  if (password !== null && passwordHash) throw new AuthError(400, 'validation_failed', 'Only a password or a password hash should be provided');
  if (passwordHash && !BCRYPT_HASH.test(passwordHash)) throw new AuthError(400, 'validation_failed', 'Invalid password hash format');
  if (password && Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new AuthError(400, 'validation_failed', `bcrypt: password length exceeds ${MAX_PASSWORD_BYTES} bytes`);
  }
  const id = stringField(body, 'id');
  if (id && !UUID_FORMAT.test(id)) throw new AuthError(400, 'validation_failed', 'ID must conform to the uuid v4 format');
  if (id && /^[0-]+$/.test(id)) throw new AuthError(400, 'validation_failed', 'ID cannot be a nil uuid');
  const banMs = banDuration(body);
  const appExtra = objectField(body, 'app_metadata');
  const userMetadata = objectField(body, 'user_metadata') ?? {};
  const emailConfirm = boolField(body, 'email_confirm');
  // Without a password GoTrue sets a random one nobody knows: the user signs in some other way.
  const encryptedPassword = passwordHash || (await bcrypt.hash(password || randomBytes(48).toString('base64url'), BCRYPT_COST));
  try {
    return await db.transaction(async (tx) => {
      const user = await insertUser(tx, {
        id: id || undefined,
        aud,
        role: stringField(body, 'role').trim() || 'authenticated',
        email: email || null,
        phone: phone || null,
        encryptedPassword,
        appMetadata: mergeMetadata({ provider: providers[0], providers }, appExtra ?? {}),
        userMetadata: emailConfirm ? { ...userMetadata, email_verified: true } : userMetadata,
        emailConfirmed: emailConfirm,
        phoneConfirmed: boolField(body, 'phone_confirm'),
        bannedUntil: banMs ? new Date(Date.now() + banMs) : null,
      });
      if (email) await insertIdentity(tx, user.id, 'email', { sub: user.id, email, email_verified: false, phone_verified: false });
      if (phone) await insertIdentity(tx, user.id, 'phone', { sub: user.id, phone, email_verified: false, phone_verified: false });
      return userJson(tx, user.id);
    });
  } catch (err) {
    // Two creations of one address (or id) at once: the unique index decides.
    if (isDbError(err) && err.code === '23505') {
      throw email && /email/.test(err.message + (err.detail ?? '')) ? new AuthError(422, 'email_exists', DUPLICATE_EMAIL) : new AuthError(422, 'validation_failed', 'A user with this id or phone number already exists');
    }
    if (isDbError(err)) throw new AuthError(500, 'unexpected_failure', 'Database error creating new user');
    throw err;
  }
}

/** PUT /admin/users/:id (adminUserUpdate): changes apply at once, without confirmation mails. */
export async function updateUserById(deps: AuthDeps, user: AuthUserRow, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { db } = deps;
  const email = stringField(body, 'email') ? validateEmail(stringField(body, 'email')) : '';
  const phone = stringField(body, 'phone') ? validatePhone(stringField(body, 'phone')) : '';
  const banMs = banDuration(body);
  const password = body.password === undefined || body.password === null ? null : stringField(body, 'password');
  const { auth } = deps.config;
  if (password !== null) checkPasswordStrength(password, { minLength: auth.minimumPasswordLength, requirements: auth.passwordRequirements });
  const hash = password !== null ? await bcrypt.hash(password, BCRYPT_COST) : null;
  const emailConfirm = boolField(body, 'email_confirm');
  const phoneConfirm = boolField(body, 'phone_confirm');
  const appMetadata = objectField(body, 'app_metadata');
  const userMetadata = objectField(body, 'user_metadata');
  const role = stringField(body, 'role').trim();
  if (email && email !== user.email) {
    const taken = await loadUser(db, 'email', email);
    if (taken && taken.id !== user.id) throw new AuthError(422, 'email_exists', DUPLICATE_EMAIL);
  }
  try {
    return await db.transaction(async (tx) => {
      const cols: Record<string, unknown> = {};
      let meta = user.raw_user_meta_data ?? {};
      if (role) cols.role = role;
      if (emailConfirm) {
        cols.email_confirmed_at = NOW;
        cols.confirmation_token = '';
        meta = mergeMetadata(meta, { email_verified: true });
      }
      if (phoneConfirm) cols.phone_confirmed_at = NOW;
      if (hash !== null) Object.assign(cols, { encrypted_password: hash, confirmation_token: '', confirmation_sent_at: null, recovery_token: '', recovery_sent_at: null });
      if (email) {
        if (!(await mergeIdentityData(tx, user.id, 'email', { email, email_verified: emailConfirm }))) {
          await insertIdentity(tx, user.id, 'email', { sub: user.id, email, email_verified: emailConfirm, phone_verified: false });
        }
        cols.email = email;
      }
      if (phone) {
        if (!(await mergeIdentityData(tx, user.id, 'phone', { phone, phone_verified: phoneConfirm }))) {
          await insertIdentity(tx, user.id, 'phone', { sub: user.id, phone, email_verified: false, phone_verified: phoneConfirm });
        }
        cols.phone = phone;
      }
      if (appMetadata) cols.raw_app_meta_data = mergeMetadata(user.raw_app_meta_data, appMetadata);
      if (userMetadata) meta = mergeMetadata(meta, userMetadata);
      if (emailConfirm || userMetadata) cols.raw_user_meta_data = meta;
      if (banMs !== null) cols.banned_until = banMs === 0 ? null : new Date(Date.now() + banMs).toISOString();
      await updateUser(tx, user.id, cols);
      // A new password signs the user out everywhere (models.User.UpdatePassword).
      if (hash !== null) await logoutAll(tx, user.id);
      return userJson(tx, user.id);
    });
  } catch (err) {
    if (isDbError(err)) throw new AuthError(500, 'unexpected_failure', 'Error updating user');
    throw err;
  }
}

/** `ban_duration`: a Go duration, or "none" to lift a ban; null when absent. */
function banDuration(body: Record<string, unknown>): number | null {
  const raw = stringField(body, 'ban_duration');
  if (!raw) return null;
  if (raw === 'none') return 0;
  const ms = parseDurationMs(raw);
  if (ms === null) throw new AuthError(400, 'validation_failed', `invalid format for ban duration: time: invalid duration "${raw}"`);
  return ms;
}

async function phoneTaken(db: Queryable, phone: string, aud: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from auth.users where phone = $1 and aud = $2', [phone, aud]);
  return rows.length > 0;
}

export async function userJson(tx: Queryable, id: string): Promise<Record<string, unknown>> {
  const user = (await loadUser(tx, 'id', id))!;
  return toUserJson(user, await loadIdentities(tx, id));
}

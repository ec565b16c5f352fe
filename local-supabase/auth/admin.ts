import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { Queryable } from '../db/types.ts';
import { isDbError } from '../db/types.ts';
import { listUsers } from './admin-list.ts';
import { createUser, updateUserById, userJson } from './admin-write.ts';
import type { AuthDeps } from './deps.ts';
import { AuthError } from './errors.ts';
import { readJson, verifyBearer } from './request.ts';
import type { AuthUserRow } from './user.ts';
import { loadUser } from './user.ts';
import { logoutAll } from './user-store.ts';
import { boolField } from './validate.ts';

const ADMIN_ROLES = ['service_role'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** /admin/users as GoTrue serves it to the service role (api/admin.go, v2.189.0 as the CLI pins it). */
export function createAdminRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  const { db } = deps;

  app.use(async (c, next) => {
    const claims = await verifyBearer(c, deps.keys);
    if (!ADMIN_ROLES.includes(String(claims.role ?? ''))) throw new AuthError(403, 'not_admin', 'User not allowed');
    await next();
  });

  app.get('/users', async (c) => {
    const { body, headers } = await listUsers(db, new URL(c.req.url).searchParams);
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    return c.json(body);
  });

  app.post('/users', async (c) => c.json(await createUser(deps, await readJson(c))));

  app.get('/users/:id', async (c) => c.json(await userJson(db, (await findUser(db, c.req.param('id'))).id)));

  app.put('/users/:id', async (c) => {
    const user = await findUser(db, c.req.param('id'));
    return c.json(await updateUserById(deps, user, await readJson(c)));
  });

  app.delete('/users/:id', async (c) => {
    const user = await findUser(db, c.req.param('id'));
    const softDelete = boolField(await readJson(c), 'should_soft_delete');
    try {
      await db.transaction(async (tx) => {
        if (softDelete) await softDeleteUser(tx, user);
        else await tx.query('delete from auth.users where id = $1', [user.id]);
      });
    } catch (err) {
      // A table that references auth.users without ON DELETE CASCADE keeps the user, as on Supabase.
      if (isDbError(err)) throw new AuthError(500, 'unexpected_failure', 'Database error deleting user', false, undefined, err);
      throw err;
    }
    return c.json({});
  });

  return app;
}

async function findUser(db: Queryable, id: string): Promise<AuthUserRow> {
  if (!UUID.test(id)) throw new AuthError(404, 'validation_failed', 'user_id must be an UUID');
  const user = await loadUser(db, 'id', id);
  if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
  return user;
}

/** base64(sha256(text)), as GoTrue obfuscates soft-deleted contact data (in the server, not in SQL). */
const obfuscate = (text: string) => createHash('sha256').update(text).digest('base64');

/** Soft delete (models.User.SoftDeleteUser): contact data hashed, secrets and metadata cleared, sessions ended. */
async function softDeleteUser(tx: Queryable, user: AuthUserRow): Promise<void> {
  if (user.deleted_at) return;
  const current = await tx.query<{ email: string | null; phone: string | null }>('select email, phone from auth.users where id = $1', [user.id]);
  const row = current.rows[0];
  if (!row) return;
  await tx.query(
    `update auth.users set
       email = $2, phone = $3,
       encrypted_password = null, confirmation_token = '', recovery_token = '', email_change_token_current = '',
       email_change_token_new = '', phone_change_token = '', raw_user_meta_data = '{}', raw_app_meta_data = '{}',
       deleted_at = now(), updated_at = now()
     where id = $1`,
    [user.id, obfuscate(user.id + (row.email ?? '')), obfuscate(user.id + (row.phone ?? '')).slice(0, 15)],
  );
  const identities = await tx.query<{ id: string; provider: string; provider_id: string }>(
    'select id, provider, provider_id from auth.identities where user_id = $1',
    [user.id],
  );
  for (const identity of identities.rows) {
    await tx.query(`update auth.identities set identity_data = '{}', provider_id = $2 where id = $1`, [
      identity.id,
      obfuscate(`${user.id}${identity.provider}:${identity.provider_id}`),
    ]);
  }
  await logoutAll(tx, user.id);
}

import pg from 'pg';

/**
 * On PostgreSQL (the `database` stage of `npm test`), every integration file shares one database.
 * A test that must own its database (a TRUNCATE of the activity log, say) takes a fresh clone of
 * the migrated and seeded one that scripts/test.mjs set aside before the suite started
 * (TEST_TEMPLATE_DATABASE; nothing connects to it, so CREATE DATABASE ... TEMPLATE can copy it).
 * Null when there is no template (PGlite runs, or a DATABASE_URL given by hand).
 */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  const url = process.env.DATABASE_URL;
  if (!adminUrl || !template || !url) return null;
  const name = `test_${process.pid}_${Math.floor(Math.random() * 1e9).toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // owned like the database it copies (the stack connects as postgres and adds its schemas)
    await admin.query(`create database ${name} template ${template} owner postgres`);
  } finally {
    await admin.end();
  }
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

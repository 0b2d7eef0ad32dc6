import pg from 'pg';
import { dropDatabase } from '../scripts/database';

/**
 * Drops the run's database and every per-file database named after it
 * (`shop_<run>_<label>`), even those of a test file that failed before its
 * own clean-up.
 */
export default async function globalTeardown() {
  const runDatabaseUrl = process.env.DATABASE_URL;
  if (!runDatabaseUrl || !process.env.TEST_RUN_ID) return;
  const runDatabase = decodeURIComponent(new URL(runDatabaseUrl).pathname.slice(1));
  const server = new URL(runDatabaseUrl);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  const { rows } = await client
    .query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $1 || '\\_%'",
      [runDatabase],
    )
    .finally(() => client.end());
  for (const { datname } of rows) {
    const url = new URL(runDatabaseUrl);
    url.pathname = `/${datname}`;
    await dropDatabase(url.toString());
  }
}

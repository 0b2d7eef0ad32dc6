import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { dropDatabase } from './index';

// Through the CLI in a child process: the Wasm schema engine's glue is an ES
// module, which Jest's sandbox cannot load on Node < 24.9.
const repoRoot = path.resolve(__dirname, '../../..');
const migrate = (databaseUrl: string) =>
  promisify(execFile)('node_modules/.bin/tsx', ['--conditions=source', 'scripts/migrate.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });

// Its own database, so this test neither depends on nor disturbs the run's shared one.
const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
server.pathname = `/migrations_test_${randomUUID().replaceAll('-', '')}`;
const databaseUrl = server.toString();

afterAll(() => dropDatabase(databaseUrl));

test('When migrating a new database, then it is created with every service inbox, and a second run applies nothing', async () => {
  const first = await migrate(databaseUrl);
  expect(first.stdout).toMatch(/^Created database migrations_test_/m);
  expect(first.stdout).toMatch(/^Applied \d{14}_init$/m);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client
    .query<{ table_schema: string }>(
      "SELECT table_schema FROM information_schema.tables WHERE table_name = 'processed_events' ORDER BY 1",
    )
    .finally(() => client.end());
  expect(rows.map((row) => row.table_schema)).toEqual(['analytics', 'checkout', 'email', 'inventory', 'pdf']);

  const second = await migrate(databaseUrl);
  expect(second.stdout.trim()).toBe('Database is up to date.');
});

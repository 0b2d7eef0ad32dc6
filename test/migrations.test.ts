import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { dropDatabase } from '../scripts/database';

// Through the CLI in a child process: the Wasm schema engine's glue is an ES
// module, which Jest's sandbox cannot load on Node < 24.9.
const repoRoot = path.resolve(__dirname, '..');
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

const query = async <Row extends pg.QueryResultRow>(sql: string) => {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return (await client.query<Row>(sql).finally(() => client.end())).rows;
};

test('When migrating a new database, then it is created with every service inbox and a seeded catalogue, and a second run changes nothing', async () => {
  const first = await migrate(databaseUrl);
  expect(first.stdout).toMatch(/^Created database migrations_test_/m);
  expect(first.stdout).toMatch(/^Applied \d{14}_init$/m);

  const inboxes = await query<{ table_schema: string }>(
    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'processed_events' ORDER BY 1",
  );
  expect(inboxes.map((row) => row.table_schema)).toEqual([
    'analytics',
    'checkout',
    'email',
    'inventory',
    'pdf',
  ]);
  const countSeeded = () =>
    query<{ products: number; stock: number }>(
      'SELECT (SELECT count(*)::int FROM checkout.products) AS products, (SELECT count(*)::int FROM inventory.stock_items) AS stock',
    );
  expect(await countSeeded()).toEqual([{ products: 6, stock: 6 }]);

  const second = await migrate(databaseUrl);
  expect(second.stdout).toMatch(/^Database is up to date\.$/m);
  expect(second.stdout).not.toMatch(/^Applied/m);
  expect(await countSeeded()).toEqual([{ products: 6, stock: 6 }]);
});

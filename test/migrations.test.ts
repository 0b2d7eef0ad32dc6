import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import pg from 'pg';
import { dropDatabase } from '../scripts/database';
import { freePort } from './service-process';
import { waitFor } from './support';
import { TcpProxy } from './tcp-proxy';

// Through the CLI in a child process: the Wasm schema engine's glue is an ES
// module, which Jest's sandbox cannot load on Node < 24.9.
const repoRoot = path.resolve(__dirname, '..');
const migrate = (databaseUrl: string, env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)('node_modules/.bin/tsx', ['--conditions=source', 'scripts/migrate.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, DATABASE_URL: databaseUrl },
  });

// Its own database, so this test neither depends on nor disturbs the run's shared one.
const server = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
server.pathname = `/migrations_test_${randomUUID().replaceAll('-', '')}`;
const databaseUrl = server.toString();

const databases = [databaseUrl];
afterAll(async () => {
  for (const url of databases) await dropDatabase(url);
});

/** A new database's URL on `port` of loopback, with the server's credentials. */
function urlOnPort(port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.pathname = `/migrations_test_${randomUUID().replaceAll('-', '')}`;
  databases.push(new URL(url.pathname, server).toString());
  return url.toString();
}

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
  // One inbox for each process with a database of its own (the manifest's), and no other.
  // Every consumer's inbox, and the projector's (checkout); operations reads no events.
  const expected = [...new Set(SHOP_REGISTRY.entries.map(({ inbox }) => inbox))].sort();
  expect(inboxes.map((row) => row.table_schema)).toEqual(expected);
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

test('When Postgres is not listening yet, then migrate waits and migrates once it is', async () => {
  const port = await freePort();
  const migrating = migrate(urlOnPort(port));
  let output = '';
  migrating.child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Compose's Postgres on a new volume: nothing answers on TCP while its init scripts run. It
  // comes up once migrate has found nothing there and says it waits; a fixed head start of
  // 2.5 s was shorter than migrate's own start-up on a busy machine, which then found
  // Postgres already listening and never waited.
  await waitFor('migrate waiting for Postgres', () => output.includes('Waiting for Postgres'), 30_000);
  await sleep(500);
  const postgres = await TcpProxy.start(server.hostname, Number(server.port || 5432), port);
  try {
    const { stdout } = await migrating;
    expect(stdout).toMatch(new RegExp(`^Waiting for Postgres at postgresql://[^ ]*127.0.0.1:${port}/`, 'm'));
    expect(stdout).toMatch(/^Postgres accepts connections\.$/m);
    expect(stdout).toMatch(/^Applied \d{14}_init$/m);
  } finally {
    await postgres.stop();
  }
});

test('When Postgres never listens, then migrate gives up after MIGRATE_WAIT and says where it looked', async () => {
  const port = await freePort();
  const startedAt = Date.now();
  const failure = await migrate(urlOnPort(port), { MIGRATE_WAIT: '2s' }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toMatch(
    new RegExp(
      `Postgres at postgresql://[^ ]*127.0.0.1:${port}/\\S+ did not accept connections within 2s \\(MIGRATE_WAIT\\); last ECONNREFUSED`,
    ),
  );
  expect(failure?.stderr).not.toMatch(/at .*\.ts:\d+/);
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
});

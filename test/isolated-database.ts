import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dropDatabase } from '../scripts/database';
import { databaseUrl } from './support';

const repoRoot = join(__dirname, '..');

/**
 * A migrated and seeded database of its own, next to the run's, for a test
 * whose assertions cover whole tables (a summary of all orders) and so must
 * not see rows other test files write at the same time. Migrated through the
 * CLI in a child process: the schema engine's glue is an ES module, which
 * Jest's sandbox cannot load on Node < 24.9.
 */
export async function createIsolatedDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(databaseUrl());
  url.pathname = `${url.pathname}_${label}`;
  await promisify(execFile)('node_modules/.bin/tsx', ['--conditions=source', 'scripts/migrate.ts'], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url.toString() },
  });
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}

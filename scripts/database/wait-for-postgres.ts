import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/** Errors that mean "not listening yet, or still starting": worth another try. */
const NOT_YET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  // the database system is starting up / shutting down (a restart between init and service)
  // https://www.postgresql.org/docs/current/errcodes-appendix.html
  '57P03',
  '57P01',
]);
/** Reachable, and only the database is missing: the migration creates it. */
const DATABASE_MISSING = '3D000';

export class PostgresUnreachable extends Error {}

/**
 * Waits until the Postgres server of `databaseUrl` accepts a connection over
 * the network, trying once a second for at most `waitMs`. On a new volume the
 * official image runs its init scripts on a server that listens on its Unix
 * socket only, then restarts it for TCP; a migration started in between
 * would be refused. Any other refusal (a wrong password) fails at once.
 */
export async function waitForPostgres(
  databaseUrl: string,
  waitMs: number,
  onRetry: (reason: string) => void = () => {},
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      const code = (error as { code?: string }).code ?? '';
      if (code === DATABASE_MISSING) return;
      const reason = `${code || 'error'}: ${(error as Error).message}`;
      const timedOut = /timeout/i.test((error as Error).message);
      if (!NOT_YET.has(code) && !timedOut) throw error;
      if (Date.now() >= deadline) {
        throw new PostgresUnreachable(
          `Postgres at ${redact(databaseUrl)} did not accept connections within ${Math.round(waitMs / 1000)}s (MIGRATE_WAIT); last ${reason}`,
        );
      }
      onRetry(reason);
      await sleep(Math.min(1_000, Math.max(0, deadline - Date.now())));
    }
  }
}

/** The URL with its password hidden, for messages. */
export function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

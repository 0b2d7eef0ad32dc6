import pg from 'pg';
import type { Logger } from '../logging';

/**
 * A connection that LISTENs on one Postgres channel and calls `onNotify` for
 * each NOTIFY, reconnecting with backoff when it is lost. `listening` says
 * whether notifications are arriving right now: a cache that relies on them
 * must not trust itself while it is false, since a change made meanwhile
 * would never be heard of. https://www.postgresql.org/docs/current/sql-listen.html
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  listening = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotify: () => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.connect(0);
  }

  /**
   * Resolves once notifications are arriving, or after `timeoutMs` (false):
   * read the state a notification would announce only after this, or a
   * change made in between goes unheard.
   */
  async waitUntilListening(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.listening && !this.stopped && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.listening;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.listening = false;
    await this.client?.end().catch(() => {});
  }

  private async connect(failures: number) {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    this.client = client;
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.listening = false;
      // Whatever was notified while away is unknown: tell the owner, as if it were notified.
      this.onNotify();
      if (this.stopped) return;
      if (error)
        this.log.warn({ err: error, channel: this.channel }, 'lost the LISTEN connection; reconnecting');
      this.retryTimer = setTimeout(
        () => void this.connect(failures + 1),
        Math.min(200 * 2 ** failures, 10_000),
      );
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.onNotify());
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
      this.listening = true;
    } catch (error) {
      await client.end().catch(() => {});
      lost(error as Error);
    }
  }
}

import type { Logger } from '@shared/core/logging';
import type { OutboxDatabase } from './outbox-table';

/**
 * Marks the rows the broker confirmed as published, together: after a short
 * delay, or as soon as a batch is full. One write at a time, in order.
 */
export class PublishedMarks {
  /** Ids confirmed by the broker and not yet marked. */
  private unmarked: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private marking: Promise<void> = Promise.resolve();
  /** Rows marked published; a number for tests and logs. */
  count = 0;

  constructor(
    private readonly db: OutboxDatabase,
    /** Marks the rows of ids $1 published. */
    private readonly sql: string,
    private readonly log: Logger,
    private readonly batchSize: number,
    private readonly delayMs: number,
  ) {}

  add(id: string): void {
    this.unmarked.push(id);
  }

  /** Writes the marks together, after a short delay or as soon as a batch is full. */
  schedule(): void {
    if (this.unmarked.length >= this.batchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.write();
    } else if (!this.timer && this.unmarked.length > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.write();
      }, this.delayMs);
    }
  }

  /** Writes the marks still waiting, now. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    return this.write();
  }

  private write(): Promise<void> {
    this.marking = this.marking.then(async () => {
      const ids = this.unmarked;
      if (ids.length === 0) return;
      this.unmarked = [];
      try {
        await this.db.$executeRawUnsafe(this.sql, ids);
        this.count += ids.length;
        this.log.debug({ rows: ids.length }, 'outbox rows marked published');
      } catch (error) {
        // Unmarked rows are published again when their lease runs out: a duplicate, never a loss.
        this.log.warn(
          { err: error, rows: ids.length },
          'could not mark published rows; they will go out again',
        );
      }
    });
    return this.marking;
  }
}

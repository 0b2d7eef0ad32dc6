import { AppError } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import { labelledGaugeOnScrape, readAtMostEvery, SCRAPE_READ_INTERVAL_MS } from '@shared/core/metrics';
import type { Broker, ServiceQueues } from '@shared/messaging';
import { ConfirmPublisher } from '@shared/messaging';
import type { AuditEntry, AuditQuery } from './audit-log';
import { DeadLetterDrain } from './dead-letter-drain';
import type { DeadLetterFilter, DeadLetterPage } from './dead-letter-filter';
import type { StoredMessage } from './dead-letter-rows';
import type { DeadLetterStore, FailureGroup } from './dead-letter-store';
import { type DeadLetterDetail, revivedHeaders } from './parked-message';
import { RateLimit } from './rate-limit';
import { replayHeaders } from './replay-headers';
import type { Skipped } from './settle-dead-letters';

export const UNKNOWN_SERVICE = 'DEAD_LETTERS.UNKNOWN_SERVICE';

/** How long one replay may hold its row's lock: its publish and confirm, then the commit. */
const REPLAY_TIMEOUT_MS = 15_000;

export interface DeadLetterSummary {
  service: string;
  /** The service's DLQ, which the drain empties into the store. */
  queue: string;
  /** Dead letters parked in the store. */
  parked: number;
  /** When the oldest of them was parked; null when none is. */
  oldestParkedAt: string | null;
  oldestAgeMs: number | null;
  /**
   * Messages still in the DLQ, not yet in the store: normally 0 within a
   * moment; more means the drain is not running (checkout down). Null when
   * RabbitMQ could not be asked.
   */
  arriving: number | null;
}

/** Which dead letters an action or its dry run is about: exactly these ids, or (dry run only) a filter's. */
export type Selection = { ids: readonly string[] } | { filter: DeadLetterFilter; limit: number };

/** What an action would do, before it does it: the dry run. */
export interface Preview {
  action: 'replay' | 'discard';
  service: string;
  /** Where a replay sends the messages (the service's work queue); null for a discard. */
  target: string | null;
  /** The parked dead letters it would act on; send these ids to act on exactly this set. */
  ids: string[];
  /** For a filter: how many parked dead letters match it, `ids` being the oldest `limit` of them. */
  matching: number;
  /** The same failure many times is one group. */
  groups: FailureGroup[];
  /** Chosen ids it would not act on: already settled, or not in this service's store. */
  skipped: Skipped[];
}

export interface ActionOptions {
  /** Who does it, for the audit log (e.g. "ada@ops-laptop via admin-api"). */
  actor: string;
}

export interface ReplayOptions extends ActionOptions {
  /** Replays per second at most; default 10. */
  ratePerSecond?: number;
}

export interface DiscardOptions extends ActionOptions {
  reason: string;
}

/**
 * The operators' view of every service's dead letters: a summary, search and
 * detail, a dry run of an action, and replay and discard of exactly the chosen
 * dead letters, each audited. Everything reads and writes the store; RabbitMQ
 * is only published to, by a replay, and counted (passively) for the summary.
 * Behind the operations service's /admin/dlq API, which the `npm run dlq` CLI and the
 * dashboard call. See docs/dead-letters.md.
 */
export class DeadLetters {
  constructor(
    private readonly broker: Broker,
    private readonly store: DeadLetterStore,
    /** The field of an event's data that names its subject (an order id), for filters and the audit. */
    private readonly subjectKey: string,
  ) {}

  get services(): string[] {
    return this.broker.topology.services.map((queues) => queues.service);
  }

  /** Starts moving every service's DLQ into the store, on the broker's connection (and after every reconnect). */
  startDrain(logger: Logger): void {
    this.broker.attach(
      new DeadLetterDrain(this.broker.topology.services, this.store, this.subjectKey, logger),
    );
  }

  /** Gauges of parked dead letters per service, for /metrics (read when scraped). */
  reportMetrics(): void {
    labelledGaugeOnScrape(
      'shop_dead_letters_parked',
      'Dead letters parked in the store, waiting for an operator, by service',
      ['service'],
      async () =>
        (await this.summary()).map(({ service, parked }) => ({ labels: { service }, value: parked })),
    );
    labelledGaugeOnScrape(
      'shop_dead_letters_oldest_age_seconds',
      'Seconds since the oldest parked dead letter was parked (0 when none is), by service',
      ['service'],
      async () =>
        (await this.summary()).map(({ service, oldestAgeMs }) => ({
          labels: { service },
          value: (oldestAgeMs ?? 0) / 1000,
        })),
    );
  }

  async summary(): Promise<DeadLetterSummary[]> {
    const { services } = this.broker.topology;
    const [counts, arriving] = await Promise.all([
      this.store.counts(services.map((queues) => queues.deadLetterQueue)),
      this.arriving(services),
    ]);
    const now = Date.now();
    return services.map(({ service, deadLetterQueue }) => {
      const count = counts.find(({ queue }) => queue === deadLetterQueue);
      const oldestParkedAt = count?.oldestParkedAt ?? null;
      return {
        service,
        queue: deadLetterQueue,
        parked: count?.parked ?? 0,
        oldestParkedAt,
        oldestAgeMs: oldestParkedAt ? Math.max(0, now - Date.parse(oldestParkedAt)) : null,
        arriving: arriving.get(deadLetterQueue) ?? null,
      };
    });
  }

  /** A page of one service's dead letters, oldest parked first. */
  async search(
    service: string,
    filter: DeadLetterFilter,
    page: { limit: number; after?: string | undefined },
  ): Promise<DeadLetterPage> {
    return this.store.search(this.queuesOf(service).deadLetterQueue, filter, page.limit, page.after);
  }

  /** One dead letter with its headers and body, or null when the service has no such one. */
  async read(service: string, id: string): Promise<DeadLetterDetail | null> {
    return this.store.read(this.queuesOf(service).deadLetterQueue, id);
  }

  /** The dry run: what a replay or discard of the selection would act on, and where a replay would send it. */
  async preview(service: string, action: Preview['action'], selection: Selection): Promise<Preview> {
    const queues = this.queuesOf(service);
    const queue = queues.deadLetterQueue;
    let ids: string[];
    let matching: number;
    let skipped: Skipped[] = [];
    if ('ids' in selection) {
      const chosen = unique(selection.ids);
      const found = await this.store.some(queue, chosen);
      ids = found.filter(({ state }) => state === 'parked').map(({ id }) => id);
      skipped = await this.store.unsettled(queue, chosen, ids);
      matching = ids.length;
    } else {
      ({ ids, total: matching } = await this.store.select(queue, selection.filter, selection.limit));
    }
    return {
      action,
      service,
      target: action === 'replay' ? queues.workQueue : null,
      ids,
      matching,
      groups: await this.store.groups(queue, ids),
      skipped,
    };
  }

  /**
   * Puts exactly the chosen parked dead letters back on the service's work
   * queue as they were first published (same message id, correlation id,
   * type and body), with the attempt count reset, at most `ratePerSecond` per
   * second; each is marked replayed and audited once the broker confirmed it.
   */
  async replay(service: string, chosen: readonly string[], options: ReplayOptions) {
    const queues = this.queuesOf(service);
    const rate = new RateLimit(options.ratePerSecond ?? 10);
    const replayed: string[] = [];
    const skipped: Skipped[] = [];
    await this.broker.withChannel(async (channel) => {
      const publisher = new ConfirmPublisher(channel);
      const republish = (message: StoredMessage) =>
        publisher.publish('', queues.workQueue, message.body, {
          ...message.properties,
          messageId: message.messageId,
          headers: replayHeaders(revivedHeaders(message.headers), options.actor, new Date()),
          persistent: true,
        });
      for (const id of unique(chosen)) {
        await rate.wait();
        const settlement = { action: 'replay' as const, actor: options.actor, reason: null };
        const skip = await this.store.replayOne(
          queues.deadLetterQueue,
          id,
          settlement,
          republish,
          REPLAY_TIMEOUT_MS,
        );
        if (skip) skipped.push(skip);
        else replayed.push(id);
      }
    });
    return { replayed: replayed.length, ids: replayed, skipped };
  }

  /** Discards exactly the chosen parked dead letters, recording the reason for each. */
  async discard(service: string, chosen: readonly string[], options: DiscardOptions) {
    if (!options.reason.trim()) throw new Error('a discard needs a reason');
    const queue = this.queuesOf(service).deadLetterQueue;
    const ids = unique(chosen);
    const discarded = await this.store.discard(queue, ids, {
      action: 'discard',
      actor: options.actor,
      reason: options.reason,
    });
    return {
      discarded: discarded.length,
      ids: discarded,
      skipped: await this.store.unsettled(queue, ids, discarded),
    };
  }

  /** The audit log of replays, discards, pauses and resumes, newest first. */
  history(query: AuditQuery): Promise<AuditEntry[]> {
    return this.store.history(query);
  }

  /** Records a pause or resume of a service's consumers in the audit log. */
  record(entry: { action: 'pause' | 'resume'; service: string; actor: string }): Promise<void> {
    return this.store.record(entry);
  }

  private queuesOf(service: string): ServiceQueues {
    const queues = this.broker.topology.services.find((candidate) => candidate.service === service);
    if (!queues) {
      throw new AppError(
        UNKNOWN_SERVICE,
        `no dead-letter queue for service "${service}"; known: ${this.services.join(', ')}`,
        { kind: 'operational' },
      );
    }
    return queues;
  }

  /** Messages waiting in each DLQ for the drain: a passive declare, which changes nothing. */
  private async arriving(services: readonly ServiceQueues[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    await this.broker
      .withChannel(async (channel) => {
        for (const { deadLetterQueue } of services) {
          counts.set(deadLetterQueue, (await channel.checkQueue(deadLetterQueue)).messageCount);
        }
      })
      .catch(() => {});
    return counts;
  }
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

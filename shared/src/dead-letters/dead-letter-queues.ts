import type { Channel, ConfirmChannel, GetMessage } from 'amqplib';
import { AppError } from '../errors';
import type { Broker } from '../messaging/broker';
import { ConfirmPublisher } from '../messaging/confirm-publisher';
import { HEADERS, republishableProperties } from '../messaging/headers';
import type { ServiceQueues } from '../messaging/topology';
import {
  type DeadLetterFilter,
  describeParked,
  describeParkedInDetail,
  matchesFilter,
  type ParkedMessage,
  type ParkedMessageDetail,
} from './parked-message';
import { RateLimit } from './rate-limit';
import { replayHeaders } from './replay-headers';

export const UNKNOWN_SERVICE = 'DEAD_LETTERS.UNKNOWN_SERVICE';

export interface DeadLetterQueueSummary {
  service: string;
  queue: string;
  /** Messages waiting in the DLQ (0 when the queue does not exist yet). */
  depth: number;
  /** Age of the oldest parked message, from its x-dead-lettered-at; null when empty. */
  oldestAgeMs: number | null;
}

export interface Progress {
  /** Messages read so far, out of `total` (the depth when the command started). */
  scanned: number;
  total: number;
  /** Messages acted on so far (replayed or discarded). */
  done: number;
}

export interface ActionOptions {
  /** Who did it, for the audit log (e.g. "ada@ops-laptop", "admin-api"). */
  actor: string;
  onProgress?: (progress: Progress) => void;
  /** Stops after the current message; the rest stay in the DLQ. */
  signal?: AbortSignal;
}

export interface ReplayOptions extends ActionOptions {
  /** Replays per second at most; default 10. */
  ratePerSecond?: number;
}

export interface DiscardOptions extends ActionOptions {
  reason: string;
}

/** One replay or discard, as the audit log keeps it. */
export interface DeadLetterAction {
  action: 'replay' | 'discard';
  service: string;
  messageId: string;
  subject: string | null;
  actor: string;
  reason: string | null;
  /** The error the message was parked with. */
  lastError: string | null;
}

/** A recorded action, as the audit log reads it back. */
export interface AuditEntry extends DeadLetterAction {
  id: string;
  at: string;
}

/** Which audit entries to read: every given criterion must match; newest first. */
export interface AuditQuery {
  service?: string;
  subject?: string;
  limit: number;
}

/**
 * Where replays and discards are written down; the application owns the
 * table. `record` runs before the message leaves the DLQ, and returns how to
 * take the entry back should the action then fail; `recent` reads the log.
 */
export interface DeadLetterAudit {
  record(action: DeadLetterAction): Promise<{ undo(): Promise<void> }>;
  recent(query: AuditQuery): Promise<AuditEntry[]>;
}

type Act = (message: GetMessage, parked: ParkedMessage, publisher: ConfirmPublisher) => Promise<void>;

/**
 * Reads, replays and discards the messages parked in the services' dead-letter
 * queues, on channels of a process's own broker connection; every replay and
 * discard is written to the audit first. Behind checkout's /admin/dlq API,
 * which the `npm run dlq` CLI and the dashboard call.
 *
 * AMQP 0.9.1 has no peek, so every command walks a DLQ with basic.get
 * without acking: it reads at most as many messages as the queue held when
 * the command started (so a message that comes back during the walk is not
 * read twice), acks only the ones it replayed or discarded, and closes its
 * channel at the end, which returns every other message to the queue. A
 * command that dies half-way loses nothing: unacked messages go back too.
 * See docs/dead-letters.md.
 */
export class DeadLetterQueues {
  constructor(
    private readonly broker: Broker,
    private readonly audit: DeadLetterAudit,
    /** The field of an event's data that names its subject (an order id), for filters and the audit. */
    private readonly subjectKey: string,
  ) {}

  get services(): string[] {
    return this.broker.topology.services.map((queues) => queues.service);
  }

  async list(): Promise<DeadLetterQueueSummary[]> {
    const summaries: DeadLetterQueueSummary[] = [];
    for (const queues of this.broker.topology.services) {
      summaries.push(await this.summarise(queues));
    }
    return summaries;
  }

  /** The parked messages the filter selects, in queue order; nothing is removed. */
  async show(service: string, filter: DeadLetterFilter = {}): Promise<ParkedMessage[]> {
    const shown: ParkedMessage[] = [];
    await this.walk(this.queuesOf(service), filter, { acknowledge: false }, async (_message, parked) => {
      shown.push(parked);
    });
    return shown;
  }

  /** One parked message with its headers and body, or null when it is not (or no longer) in the DLQ. */
  async read(service: string, messageId: string): Promise<ParkedMessageDetail | null> {
    let found: ParkedMessageDetail | null = null;
    const filter = { messageIds: [messageId], limit: 1 };
    await this.walk(this.queuesOf(service), filter, { acknowledge: false }, async (message) => {
      found = describeParkedInDetail(message, this.subjectKey);
    });
    return found;
  }

  /** The audit log of replays and discards, newest first. */
  history(query: AuditQuery): Promise<AuditEntry[]> {
    return this.audit.recent(query);
  }

  /**
   * Puts the selected messages back on the service's work queue as they were
   * first published (same message id, correlation id, type and body) with
   * the attempt count reset, at most `ratePerSecond` per second.
   */
  async replay(service: string, filter: DeadLetterFilter, options: ReplayOptions) {
    const queues = this.queuesOf(service);
    const rate = new RateLimit(options.ratePerSecond ?? 10);
    const ids: string[] = [];
    await this.walk(queues, filter, { ...options, acknowledge: true }, async (message, parked, publisher) => {
      await rate.wait();
      // The record first: a replay the broker then refuses leaves a row
      // that is taken back below, never a replay without a row.
      const entry = await this.record('replay', service, parked, options.actor, null);
      try {
        await publisher.publish('', queues.workQueue, message.content, {
          ...republishableProperties(message.properties),
          messageId: parked.messageId,
          headers: replayHeaders(message.properties.headers, options.actor, new Date()),
          persistent: true,
        });
      } catch (error) {
        await entry.undo().catch(() => {});
        throw error;
      }
      ids.push(parked.messageId);
    });
    return { replayed: ids.length, ids };
  }

  /** Removes the selected messages for good, recording the reason for each. */
  async discard(service: string, filter: DeadLetterFilter, options: DiscardOptions) {
    if (!options.reason.trim()) throw new Error('a discard needs a reason');
    const ids: string[] = [];
    const walk = { ...options, acknowledge: true };
    await this.walk(this.queuesOf(service), filter, walk, async (_message, parked) => {
      await this.record('discard', service, parked, options.actor, options.reason);
      ids.push(parked.messageId);
    });
    return { discarded: ids.length, ids };
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

  private async summarise(queues: ServiceQueues): Promise<DeadLetterQueueSummary> {
    const summary = { service: queues.service, queue: queues.deadLetterQueue, depth: 0, oldestAgeMs: null };
    const { messageCount, parkedAt } = await this.broker.withChannel(async (channel) => {
      const messageCount = await depthOf(channel, queues.deadLetterQueue);
      if (messageCount === 0) return { messageCount, parkedAt: Number.NaN };
      // The "peek": take the head without acking; closing the channel returns it.
      const head = await channel.get(queues.deadLetterQueue, { noAck: false });
      return {
        messageCount,
        parkedAt: head ? Date.parse(String(head.properties.headers?.[HEADERS.deadLetteredAt])) : Number.NaN,
      };
    });
    if (messageCount === 0) return summary;
    await this.waitForReturns(queues.deadLetterQueue, messageCount);
    return {
      ...summary,
      depth: messageCount,
      oldestAgeMs: Number.isFinite(parkedAt) ? Math.max(0, Date.now() - parkedAt) : null,
    };
  }

  /** Reads the DLQ once (see the class comment) and calls `act` for each selected message, then acks it. */
  private async walk(
    queues: ServiceQueues,
    filter: DeadLetterFilter,
    options: Partial<ActionOptions> & { acknowledge: boolean },
    act: Act,
  ): Promise<void> {
    let total = 0;
    let acked = 0;
    // Closing the walk's channel (withChannel does, rather than closing a
    // connection) returns every message read but not acked to the DLQ, and
    // waits for the broker's close-ok, which keeps the acks sent just before
    // (see docs/messaging.md).
    await this.broker.withChannel(async (channel: ConfirmChannel) => {
      const publisher = new ConfirmPublisher(channel);
      total = await depthOf(channel, queues.deadLetterQueue);
      const limit = mostSelected(filter);
      let done = 0;
      for (let scanned = 0; scanned < total; ) {
        if (done >= limit) break;
        if (options.signal?.aborted) break;
        const message = await channel.get(queues.deadLetterQueue, { noAck: false });
        if (!message) break;
        scanned += 1;
        const parked = describeParked(message, this.subjectKey);
        if (matchesFilter(parked, filter)) {
          await act(message, parked, publisher);
          // Show only reads; replay and discard ack once their effect is done.
          if (options.acknowledge) {
            channel.ack(message);
            acked += 1;
          }
          done += 1;
        }
        options.onProgress?.({ scanned, total, done });
      }
    });
    await this.waitForReturns(queues.deadLetterQueue, total - acked);
  }

  /**
   * A quorum queue takes returned messages back asynchronously, after the
   * channel has closed. Waiting until they count again means the next command
   * (a replay right after a show) sees every one of them.
   */
  private async waitForReturns(queue: string, expected: number, timeoutMs = 2_000) {
    if (expected <= 0) return;
    await this.broker.withChannel(async (channel) => {
      const deadline = Date.now() + timeoutMs;
      while ((await channel.checkQueue(queue)).messageCount < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  }

  private record(
    action: DeadLetterAction['action'],
    service: string,
    parked: ParkedMessage,
    actor: string,
    reason: string | null,
  ) {
    return this.audit.record({
      action,
      service,
      messageId: parked.messageId,
      subject: parked.subject,
      actor,
      reason,
      lastError: parked.lastError,
    });
  }
}

/** How many messages the filter can select at most: its limit, or the number of ids it names. */
function mostSelected(filter: DeadLetterFilter): number {
  const named = filter.messageIds ? new Set(filter.messageIds).size : Number.POSITIVE_INFINITY;
  return Math.min(filter.limit ?? Number.POSITIVE_INFINITY, named);
}

/**
 * Ready messages in `queue`; 0 when it does not exist yet (no service has
 * started with this QUEUE_PREFIX), which closes `channel`.
 */
async function depthOf(channel: Channel, queue: string): Promise<number> {
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return 0;
    throw error;
  }
}

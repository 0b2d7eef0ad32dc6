import { hostname } from 'node:os';
import { type ChannelModel, type ConfirmChannel, connect, type RecoveringChannelModel } from 'amqplib';
import { type AmqpUrls, TRANSACTION_GRACE_MS } from '../config';
import { AppError, BROKER_UNAVAILABLE, retryableError } from '../errors';
import type { EventContract, EventEnvelope } from '../events';
import type { Logger } from '../logging';
import { type QueueDepth, reportQueueDepths } from '../metrics';
import { inSpan, SpanKind, traceHeaders } from '../tracing';
import { BrokerAddresses } from './broker-addresses';
import { ConfirmPublisher } from './confirm-publisher';
import type { ConsumerSetup } from './consumer';
import { HEADERS } from './headers';
import type { InboxTransaction } from './inbox';
import { type ConsumerHandle, Subscription, type SubscriptionOptions } from './subscription';
import { declareTopology, findService, type Topology } from './topology';

export interface BrokerOptions {
  /** One node, or every node of a cluster: the first reachable is used, and a reconnect tries the next. */
  url: string | AmqpUrls;
  topology: Topology;
  logger: Logger;
  /** The consuming service this process runs, if any: its retry queues are declared. */
  service?: string;
  /** Shown in the management UI and `rabbitmqctl list_connections`; defaults to service@host#pid. */
  connectionName?: string;
  prefetch?: number;
  handlerTimeoutMs?: number;
  /** How long a stop waits for deliveries in progress; by default as long as an attempt can last. */
  shutdownTimeoutMs?: number;
  /**
   * false: `connect` returns at once and connects in the background (publish
   * fails with BROKER_UNAVAILABLE until then). Checkout uses it to take
   * orders while RabbitMQ is down; its outbox holds the events. Default true.
   */
  waitForConnection?: boolean;
  /** Called once when the broker holds a definition this process cannot work with; the process should stop. */
  onFatal?: (error: Error) => void;
}

/**
 * Something that consumes on the process's connection: started on a fresh
 * channel after every (re)connect, stopped on close. A subscription is one;
 * the dead-letter drain is another.
 */
export interface BrokerConsumer {
  start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void>;
  /** Takes nothing new and lets in-hand messages finish, for at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
  /** False while it is not consuming (before its first start, while its channel is replaced). */
  readonly consuming: boolean;
}

export const TOPOLOGY_CONFLICT = 'MESSAGING.TOPOLOGY_CONFLICT';

/**
 * The process's one connection to RabbitMQ, and the only code that touches a
 * channel. Services call `publish` and `subscribe`.
 *
 * Reconnection is amqplib's own recovery (exponential backoff with jitter);
 * after every (re)connect `setup` declares the topology again, opens a fresh
 * publishing channel and resumes every subscription, so a broker restart
 * needs nothing from the service. Given a cluster's nodes, each attempt after
 * a failed one or a lost connection goes to the next node in the list, so the
 * loss of the node a process is connected to costs one reconnect.
 */
export class Broker {
  private connection: RecoveringChannelModel | undefined;
  private current: ChannelModel | undefined;
  private publisher: ConfirmPublisher | undefined;
  private readonly subscriptions: Subscription<EventContract, unknown, InboxTransaction>[] = [];
  /** Every consumer of this connection: the subscriptions and whatever else was attached. */
  private readonly consumers: BrokerConsumer[] = [];
  private closing = false;
  private blocked = false;
  /** When the publishing channel was last replaced after a nack (see replacePublisher). */
  private publisherReplacedAt = 0;
  /** A (re)connect's setup still declaring and subscribing; close() waits for it. */
  private settingUp: Promise<void> | undefined;
  private stopReportingDepths: () => void = () => {};

  private constructor(private readonly options: BrokerOptions) {}

  /** Connects (retrying with backoff until the broker answers; see waitForConnection) and declares the topology. */
  static async connect(options: BrokerOptions): Promise<Broker> {
    const broker = new Broker(options);
    await broker.open();
    return broker;
  }

  private get handlerTimeoutMs(): number {
    return this.options.handlerTimeoutMs ?? 30_000;
  }

  get connected(): boolean {
    return this.publisher !== undefined;
  }

  /**
   * Connected, and not blocked: RabbitMQ blocks publishing connections while
   * a memory or disk alarm lasts, and a publish then waits for its confirm
   * until the alarm clears. https://www.rabbitmq.com/docs/connection-blocked
   */
  get canPublish(): boolean {
    return this.connected && !this.blocked;
  }

  /**
   * Resolves once the broker has confirmed the event; rejects if it did not or
   * no queue is bound. Traced as a producer span, a child of the active span,
   * whose context travels in the `traceparent` header.
   */
  async publish(event: EventEnvelope, headers: Record<string, string> = {}): Promise<void> {
    const { eventsExchange } = this.options.topology;
    await inSpan(
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': eventsExchange,
          'messaging.rabbitmq.destination.routing_key': event.type,
          'messaging.message.id': event.id,
        },
      },
      async () => {
        if (!this.publisher) throw retryableError(BROKER_UNAVAILABLE, 'not connected to RabbitMQ');
        await this.publisher.publish(eventsExchange, event.type, Buffer.from(JSON.stringify(event)), {
          messageId: event.id,
          type: event.type,
          contentType: 'application/json',
          persistent: true,
          timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
          headers: {
            [HEADERS.correlationId]: event.correlationId,
            [HEADERS.enqueuedAt]: Date.now(),
            ...traceHeaders(),
            ...headers,
          },
        });
      },
    );
  }

  /**
   * Consumes a work queue with a handler, now and after every reconnect.
   * Events that match none of the setup's contracts go to the DLQ; outcome
   * events go out through this connection's publisher.
   */
  subscribe<Contract extends EventContract, Result, Tx extends InboxTransaction>(
    setup: Omit<ConsumerSetup<Contract, Result, Tx>, 'queues' | 'eventsExchange'> & { service: string },
  ): ConsumerHandle {
    const { options } = this;
    const subscriptionOptions: SubscriptionOptions = {
      prefetch: options.prefetch ?? 5,
      handlerTimeoutMs: this.handlerTimeoutMs,
      deliveryLimit: options.topology.deliveryLimit,
    };
    const queues = findService(options.topology, setup.service);
    const logger = options.logger.child({ queue: queues.workQueue });
    const subscription = new Subscription(
      { ...setup, queues, eventsExchange: options.topology.eventsExchange },
      subscriptionOptions,
      logger,
      (event) => this.publish(event),
    );
    this.subscriptions.push(
      subscription as unknown as Subscription<EventContract, unknown, InboxTransaction>,
    );
    this.attach(subscription);
    return subscription;
  }

  /** Runs `consumer` on this connection, now and after every reconnect, until close. */
  attach(consumer: BrokerConsumer): void {
    this.consumers.push(consumer);
    if (this.current) void this.startConsumer(consumer, this.current);
  }

  /**
   * Runs `work` on a channel of its own on this connection (the dead-letter
   * operations use it), closed afterwards; BROKER_UNAVAILABLE while
   * disconnected.
   */
  async withChannel<Result>(work: (channel: ConfirmChannel) => Promise<Result>): Promise<Result> {
    const model = this.current;
    if (!model) throw retryableError(BROKER_UNAVAILABLE, 'not connected to RabbitMQ');
    const channel = await model.createConfirmChannel();
    channel.on('error', () => {});
    try {
      return await work(channel);
    } finally {
      await channel.close().catch(() => {});
    }
  }

  /** Every consumer of this process is consuming (for readiness). */
  get consuming(): boolean {
    return this.consumers.every((consumer) => consumer.consuming);
  }

  /** The topology this broker declares. */
  get topology(): Topology {
    return this.options.topology;
  }

  /**
   * Graceful stop: no new deliveries, in-flight handlers finish (their own
   * timeout bounds them; shutdownTimeoutMs is the backstop for a handler that
   * ignores its signal, whose message then returns to the queue), then close.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // A reconnect may be declaring queues right now. Let it finish, so that
    // nothing is declared after close() returns: on RabbitMQ 3.10, deleting
    // a quorum queue in the instant after its declaration crashed the broker's
    // dead-letter workers (and every later quorum queue declaration failed).
    await this.settingUp?.catch(() => {});
    const timeoutMs = this.options.shutdownTimeoutMs ?? this.handlerTimeoutMs + TRANSACTION_GRACE_MS;
    await Promise.all(this.consumers.map((consumer) => consumer.stop(timeoutMs)));
    this.stopReportingDepths();
    this.publisher = undefined;
    this.current = undefined;
    await this.connection?.close().catch(() => {});
    this.options.logger.info('broker connection closed');
  }

  private async open() {
    const { logger } = this.options;
    let fatal: Error | undefined;
    const connectionName =
      this.options.connectionName ?? `${this.options.service ?? 'publisher'}@${hostname()}#${process.pid}`;
    const addresses = new BrokerAddresses(this.options.url);
    const connection = await connect(addresses.address, {
      clientProperties: { connection_name: connectionName },
      recovery: {
        initialDelay: 200,
        maxDelay: 10_000,
        waitForConnect: false,
        setup: async (model: ChannelModel) => {
          // amqplib listens for a new connection's errors only once this set-up has succeeded.
          // A connection the server ends meanwhile, or one given up after a failed set-up (its
          // heartbeat still runs), would emit an 'error' nobody hears, which ends the process.
          // The set-up's own calls fail instead, and recovery connects again.
          let opening = true;
          model.on('error', (error: Error) => {
            if (opening) logger.warn({ err: error }, 'lost the RabbitMQ connection while setting it up');
          });
          this.settingUp = this.setup(model);
          try {
            await this.settingUp;
          } catch (error) {
            fatal = asTopologyConflict(error);
            throw error;
          } finally {
            opening = false;
            this.settingUp = undefined;
          }
        },
      },
    });
    this.connection = connection;
    connection.on('connect', () => logger.info({ node: addresses.current }, 'connected to RabbitMQ'));
    connection.on('disconnect', (error: Error) => {
      this.publisher = undefined;
      this.blocked = false;
      this.current = undefined;
      if (!this.closing) logger.warn({ err: error }, 'lost the RabbitMQ connection; reconnecting');
    });
    connection.on('reconnect-scheduled', ({ attempt, delay, error }) => {
      addresses.advance();
      logger.warn(
        { attempt, delayMs: delay, next: addresses.current, err: error },
        'RabbitMQ unreachable; retrying',
      );
    });
    connection.on('connect-failed', () => {
      if (!fatal) return;
      logger.fatal({ err: fatal }, fatal.message);
      void connection.close();
      this.options.onFatal?.(fatal);
    });
    connection.on('error', (error: Error) => logger.warn({ err: error }, 'RabbitMQ connection error'));
    connection.on('blocked', (reason: string) => {
      this.blocked = true;
      logger.warn({ reason }, 'RabbitMQ blocked publishing');
    });
    connection.on('unblocked', () => {
      this.blocked = false;
      logger.info('RabbitMQ unblocked publishing');
    });
    if (this.options.service) this.stopReportingDepths = reportQueueDepths(() => this.queueDepths());
    if (this.options.waitForConnection !== false) await connection.waitForConnect();
  }

  /** Ready messages in this service's work, retry and dead-letter queues, for /metrics. */
  private async queueDepths(): Promise<QueueDepth[]> {
    const { options } = this;
    if (!this.current || !options.service) return [];
    const queues = findService(options.topology, options.service);
    const consumer = this.subscriptions.find((subscription) => subscription.queues === queues);
    const wanted: [string, QueueDepth['kind']][] = [
      [queues.workQueue, 'work'],
      ...(queues.jobQueue ? [[queues.jobQueue.name, 'work'] as [string, QueueDepth['kind']]] : []),
      ...queues.retryQueues.map(({ name }): [string, QueueDepth['kind']] => [name, 'retry']),
      [queues.deadLetterQueue, 'dead-letter'],
    ];
    return this.withChannel(async (channel) => {
      const depths: QueueDepth[] = [];
      for (const [queue, kind] of wanted) {
        const messages = (await channel.checkQueue(queue)).messageCount;
        const oldestAgeSeconds =
          queue === queues.workQueue ? consumer?.oldestAgeSeconds(messages) : undefined;
        depths.push({
          service: queues.service,
          queue,
          kind,
          messages,
          ...(oldestAgeSeconds === undefined ? {} : { oldestAgeSeconds }),
        });
      }
      return depths;
    });
  }

  private async setup(model: ChannelModel) {
    const { topology, service } = this.options;
    const channel = await this.openPublishingChannel(model);
    await declareTopology(channel, topology, service);
    const publisher = this.publishingOn(model, channel);
    for (const consumer of this.consumers) await this.startConsumer(consumer, model);
    this.publisher = publisher;
    this.current = model;
  }

  private async openPublishingChannel(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) =>
      this.options.logger.error({ err: error }, 'publishing channel error'),
    );
    return channel;
  }

  /** The publisher on `channel`: a lost channel reconnects, a nack replaces the channel. */
  private publishingOn(model: ChannelModel, channel: ConfirmChannel): ConfirmPublisher {
    const publisher = new ConfirmPublisher(channel, () => this.replacePublisher(model, publisher));
    channel.on('close', () => {
      if (this.publisher === publisher) this.recover(model, new Error('publishing channel closed'));
    });
    return publisher;
  }

  /**
   * The broker refused a publish (`basic.nack`). A channel can keep refusing
   * after the node holding a quorum queue's leader dies: on RabbitMQ 3.10,
   * shown by shared/test/cluster-failover.test.ts, a channel opened during the
   * election nacked every publish for minutes while a new channel's went
   * through. So the publisher moves to a new channel (at most once a second);
   * the caller retries what was refused, as it retries any unconfirmed publish.
   * The connection and the consumers stay as they are.
   */
  private replacePublisher(model: ChannelModel, nacked: ConfirmPublisher) {
    if (this.closing || this.current !== model || this.publisher !== nacked) return;
    if (Date.now() - this.publisherReplacedAt < 1_000) return;
    this.publisherReplacedAt = Date.now();
    this.options.logger.warn('RabbitMQ refused a publish; moving publishing to a new channel');
    void (async () => {
      const channel = await this.openPublishingChannel(model);
      if (this.closing || this.current !== model || this.publisher !== nacked) {
        await channel.close();
        return;
      }
      this.publisher = this.publishingOn(model, channel);
      await nacked.close();
    })().catch((error: unknown) => this.recover(model, error as Error));
  }

  private async startConsumer(consumer: BrokerConsumer, model: ChannelModel) {
    await consumer.start(model, (error) => this.recover(model, error));
  }

  /**
   * A channel closed while its connection stayed up (a channel-level error).
   * Closing the connection hands the repair to the same recovery path as a
   * broker restart: reconnect, declare, resume everything.
   */
  private recover(model: ChannelModel, reason: Error) {
    if (this.closing || this.current !== model) return;
    this.options.logger.warn({ err: reason }, 'channel lost; reconnecting');
    void model.close().catch(() => {});
  }
}

/**
 * PRECONDITION_FAILED (406) on declare means a queue already exists with other
 * arguments. Retrying cannot fix that, so it becomes a fatal, explained error.
 * https://www.rabbitmq.com/docs/queues#property-equivalence
 */
function asTopologyConflict(error: unknown): Error | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 406) return undefined;
  return new AppError(
    TOPOLOGY_CONFLICT,
    `RabbitMQ already has a queue or exchange declared with different arguments: ${String(
      (error as Error).message,
    )}. Change the configuration back, or follow docs/messaging.md ("Changing a work queue's arguments without losing an event").`,
    { kind: 'operational' },
  );
}

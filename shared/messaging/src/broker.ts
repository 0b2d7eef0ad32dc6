import { TRANSACTION_GRACE_MS } from '@shared/core/config';
import { BROKER_UNAVAILABLE, retryableError } from '@shared/core/errors';
import { type QueueDepth, reportQueueDepths } from '@shared/core/metrics';
import type { ChannelModel, ConfirmChannel, RecoveringChannelModel } from 'amqplib';
import { connectWithRecovery } from './broker-connection';
import type { BrokerConsumer } from './broker-consumer';
import type { BrokerOptions } from './broker-options';
import type { ConsumerSetup } from './consumer';
import type { EventContract, EventEnvelope } from './events';
import type { InboxTransaction } from './inbox';
import { publishEvent } from './publish-event';
import { PublishingChannel } from './publishing-channel';
import { readQueueDepths } from './queue-depths';
import { type ConsumerHandle, Subscription, type SubscriptionOptions } from './subscription';
import { declareTopology, findService, type Topology } from './topology';

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
  private readonly publishing: PublishingChannel;
  private readonly subscriptions: Subscription<EventContract, unknown, InboxTransaction>[] = [];
  /** Every consumer of this connection: the subscriptions and whatever else was attached. */
  private readonly consumers: BrokerConsumer[] = [];
  private closing = false;
  private blocked = false;
  /** A (re)connect's setup still declaring and subscribing; close() waits for it. */
  private settingUp: Promise<void> | undefined;
  private stopReportingDepths: () => void = () => {};

  private constructor(private readonly options: BrokerOptions) {
    this.publishing = new PublishingChannel(
      options.logger,
      (model) => !this.closing && this.current === model,
      (model, reason) => this.recover(model, reason),
    );
  }

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
    return this.publishing.publisher !== undefined;
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
   * no queue is bound. Traced as a producer span (see publishEvent).
   */
  async publish(event: EventEnvelope, headers: Record<string, string> = {}): Promise<void> {
    await publishEvent(() => this.publishing.publisher, this.options.topology.eventsExchange, event, headers);
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
    this.publishing.publisher = undefined;
    this.current = undefined;
    await this.connection?.close().catch(() => {});
    this.options.logger.info('broker connection closed');
  }

  private async open() {
    const { logger } = this.options;
    this.connection = await connectWithRecovery(this.options, {
      setup: (model) => this.setupTracked(model),
      disconnected: (error) => {
        this.publishing.publisher = undefined;
        this.blocked = false;
        this.current = undefined;
        if (!this.closing) logger.warn({ err: error }, 'lost the RabbitMQ connection; reconnecting');
      },
      blocked: (blocked) => {
        this.blocked = blocked;
      },
    });
    if (this.options.service) this.stopReportingDepths = reportQueueDepths(() => this.queueDepths());
    if (this.options.waitForConnection !== false) await this.connection.waitForConnect();
  }

  /** Ready messages in this service's work, retry and dead-letter queues, for /metrics. */
  private async queueDepths(): Promise<QueueDepth[]> {
    const { options } = this;
    if (!this.current || !options.service) return [];
    const queues = findService(options.topology, options.service);
    const consumer = this.subscriptions.find((subscription) => subscription.queues === queues);
    return readQueueDepths(queues, consumer, (work) => this.withChannel(work));
  }

  /** A (re)connect's setup, held in `settingUp` while it runs so that close() can wait for it. */
  private async setupTracked(model: ChannelModel) {
    this.settingUp = this.setup(model);
    try {
      await this.settingUp;
    } finally {
      this.settingUp = undefined;
    }
  }

  private async setup(model: ChannelModel) {
    const { topology, service } = this.options;
    const channel = await this.publishing.open(model);
    await declareTopology(channel, topology, service);
    const publisher = this.publishing.on(model, channel);
    for (const consumer of this.consumers) await this.startConsumer(consumer, model);
    this.publishing.publisher = publisher;
    this.current = model;
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

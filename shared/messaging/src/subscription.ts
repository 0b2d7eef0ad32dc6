import type { Logger } from '@shared/core/logging';
import { contextFrom, withContext } from '@shared/core/tracing';
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import { ConfirmPublisher } from './confirm-publisher';
import type { ConsumerMode, ConsumerSetup } from './consumer';
import type { ConsumerState } from './delivery/admit';
import { DeliveryPipeline } from './delivery/pipeline';
import type { EventContract, EventEnvelope } from './events';
import type { InboxTransaction } from './inbox';
import type { ServiceQueues } from './topology';

export interface SubscriptionOptions {
  prefetch: number;
  handlerTimeoutMs: number;
  deliveryLimit: number;
}

/** What the rest of the process may do with a running subscription. */
export interface ConsumerHandle {
  /** Consume, hold (take nothing new; in-flight messages finish) or probe one message at a time. */
  setMode(mode: ConsumerMode): void;
}

/**
 * Consumes one work queue: manual acks, bounded prefetch, a timeout per
 * handler, and every delivery ends in exactly one of: the completed event
 * confirmed, then ack; a confirmed republish to a retry tier, then ack; a
 * confirmed republish to the dead-letter queue, then ack. A message is never
 * acked before its next home has confirmed it, so a crash anywhere loses
 * nothing (at worst the broker redelivers, and idempotent handlers absorb the
 * duplicate). Failure outcomes are reported only once the republish they
 * describe is confirmed. The subscription keeps the channel and its
 * consumers; each delivery goes through the stages of delivery/pipeline.ts.
 */
export class Subscription<Contract extends EventContract, Result, Tx extends InboxTransaction>
  implements ConsumerHandle
{
  private channel: ConfirmChannel | undefined;
  private publisher: ConfirmPublisher | undefined;
  /** The consumers of the work queue and the job queue, while consuming. */
  private consumerTags: string[] = [];
  private mode: ConsumerMode = 'consume';
  /** Mode changes are applied one after another, in order. */
  private applying: Promise<void> = Promise.resolve();
  private probing = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pipeline: DeliveryPipeline<Contract, Result, Tx>;

  constructor(
    private readonly setup: ConsumerSetup<Contract, Result, Tx>,
    private readonly options: SubscriptionOptions,
    private readonly logger: Logger,
    publishOutcome: (event: EventEnvelope) => Promise<void>,
  ) {
    const state: ConsumerState = {
      mode: () => this.mode,
      isLive: (channel) => !this.stopped && this.channel === channel,
    };
    this.pipeline = new DeliveryPipeline(setup, options, state, logger, publishOutcome);
  }

  get queues(): ServiceQueues {
    return this.setup.queues;
  }

  /**
   * How long the oldest ready message has waited, given how many are ready.
   * The queue hands out messages in order, so the latest delivery's wait,
   * plus the time since it came, is the head's wait; it keeps growing while
   * nothing is delivered (a paused or stuck consumer). Undefined before the
   * first delivery.
   */
  oldestAgeSeconds(ready: number): number | undefined {
    if (ready === 0) return 0;
    const { lastDelivery } = this.pipeline;
    if (!lastDelivery) return undefined;
    return (lastDelivery.waitedMs + Date.now() - lastDelivery.at) / 1000;
  }

  /** Starts consuming on a fresh channel of `model`; called again after every reconnect. */
  async start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) => this.logger.error({ err: error }, 'consumer channel error'));
    channel.on('close', () => {
      if (this.channel === channel && !this.stopped) onChannelLost(new Error('consumer channel closed'));
    });
    // Per consumer: the work queue and the job queue each have this many
    // messages in flight at most. Never global: RabbitMQ 3.10 to 4.2 close
    // the connection of a channel with a global prefetch that consumes a
    // quorum queue, and 4.3 ignores the flag (docs/messaging.md).
    await channel.prefetch(this.options.prefetch);
    this.channel = channel;
    this.publisher = new ConfirmPublisher(channel);
    this.consumerTags = [];
    this.onBrokerCancel = () =>
      onChannelLost(new Error(`the broker cancelled a consumer of ${this.queues.workQueue}`));
    const reports = this.queues.brokerDeadLetterQueue;
    if (this.setup.reporter && reports) {
      await channel.consume(reports, (message) => {
        if (message)
          this.track(
            withContext(contextFrom(message.properties.headers), () =>
              this.pipeline.reportBrokerDeadLetter(channel, message),
            ),
          );
        else this.onBrokerCancel();
      });
    }
    // In turn with mode changes: one made while this start consumes must wait
    // for it, or it would find no consumer yet to cancel. A failure here fails
    // the start (the broker reconnects); the turns go on.
    const started = this.applying.then(() => this.apply(channel));
    this.applying = started.catch(() => {});
    await started;
  }

  /**
   * A null delivery is the broker cancelling the consumer (its queue was
   * deleted, for one): treated as a lost channel, so the reconnect declares
   * the queue again and consuming resumes, instead of a consumer silently dead.
   * https://www.rabbitmq.com/docs/consumer-cancel
   */
  private onBrokerCancel: () => void = () => {};

  setMode(mode: ConsumerMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    const { channel } = this;
    if (channel) this.applying = this.applying.then(() => this.apply(channel)).catch(() => {});
  }

  /** Makes the channel's consumers match the mode. */
  private async apply(channel: ConfirmChannel) {
    if (this.channel !== channel || this.stopped) return;
    const { workQueue, jobQueue } = this.queues;
    if (this.mode === 'consume' && this.consumerTags.length === 0) {
      for (const queue of [workQueue, ...(jobQueue ? [jobQueue.name] : [])]) {
        const { consumerTag } = await channel.consume(queue, (message) => {
          if (message)
            this.track(this.pipeline.deliver(message, { channel, publisher: this.publisher!, queue }));
          else this.onBrokerCancel();
        });
        this.consumerTags.push(consumerTag);
      }
      this.logger.info({ jobQueue: jobQueue?.name, prefetch: this.options.prefetch }, 'consuming');
    } else if (this.mode !== 'consume' && this.consumerTags.length > 0) {
      const tags = this.consumerTags;
      this.consumerTags = [];
      for (const tag of tags) await channel.cancel(tag);
      this.logger.info({ mode: this.mode }, 'holding: messages wait in the queue');
    }
    if (this.mode === 'probe' && !this.probing) void this.probe(channel);
  }

  /**
   * Half-open circuit: takes one message (work queue first, then jobs) with
   * basic.get and handles it, then waits for the verdict to change the mode.
   * One message at a time, and none prefetched that would have to be
   * returned if the probe fails.
   */
  private async probe(channel: ConfirmChannel) {
    this.probing = true;
    try {
      const { workQueue, jobQueue } = this.queues;
      const queues = [workQueue, ...(jobQueue ? [jobQueue.name] : [])];
      while (this.mode === 'probe' && this.channel === channel && !this.stopped) {
        let taken: { message: Message; queue: string } | undefined;
        for (const queue of queues) {
          const message = await channel.get(queue);
          if (message) {
            taken = { message, queue };
            break;
          }
        }
        if (!taken) {
          await sleep(500);
          continue;
        }
        const { message, queue } = taken;
        this.logger.info({ messageId: message.properties.messageId }, 'probing with one message');
        const work = this.pipeline.deliver(message, {
          channel,
          publisher: this.publisher!,
          queue,
          probe: true,
        });
        this.track(work);
        await work;
        for (let waited = 0; this.mode === 'probe' && waited < 5_000; waited += 100) await sleep(100);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'probe interrupted');
    } finally {
      this.probing = false;
    }
  }

  /**
   * Healthy: false before the first start, after a stop, and while a lost
   * channel is being replaced. A replica that holds on purpose (paused, its
   * circuit open) is healthy.
   */
  get consuming(): boolean {
    return this.channel !== undefined && (this.mode !== 'consume' || this.consumerTags.length > 0);
  }

  /**
   * Stops taking deliveries and waits for the ones in progress: each ends
   * within its handler's timeout and the transaction grace, and the stop
   * waits at least that long (`shutdownTimeoutMs`), so a message is never
   * handed back to the queue while its handler may still be sending. Only a
   * handler that ignores its signal outlasts `timeoutMs`; its message then
   * returns to the queue with the channel. Deliveries still waiting for a
   * rate-limit turn were released when the limiter closed, before this.
   */
  async stop(timeoutMs: number): Promise<void> {
    const { channel } = this;
    const tags = this.consumerTags;
    this.stopped = true;
    this.consumerTags = [];
    for (const tag of tags) await channel?.cancel(tag).catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all(this.inFlight).then(() => true);
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const finished = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (!finished) {
      this.logger.warn(
        { inFlight: this.inFlight.size, timeoutMs },
        'shutdown timeout: a handler ignored its signal; its message returns to the queue',
      );
    }
    // Close the channel and wait for the broker's close-ok before the
    // connection goes: acks sent just before a bare connection close were
    // found lost (the messages came back), while a closed channel keeps them.
    this.channel = undefined;
    await channel?.close().catch(() => {});
  }

  private track(work: Promise<void>) {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}

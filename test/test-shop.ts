import type { EventEnvelope } from '@shared/messaging';
import { Broker, type ServiceQueues, type Topology, topologyOf } from '@shared/messaging';
import { replayHeaders } from '@shared/operations';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import type { GetMessage } from 'amqplib';
import { amqpUrl, QueueInspector, testLogger, tiers, uniquePrefix, waitFor } from './support';

/**
 * The shop's messaging, isolated for one test file: the real topology under a
 * unique queue prefix, a publisher for OrderCompleted events, and the outcome
 * events the services publish, read from checkout's (unconsumed) outcome
 * queue when checkout does not run.
 */
export class TestShop {
  private readonly outcomes: EventEnvelope[] = [];

  private constructor(
    readonly prefix: string,
    readonly retryDelays: string,
    readonly topology: Topology,
    readonly broker: Broker,
    readonly inspector: QueueInspector,
  ) {}

  static async open(label: string, retryDelays = '100ms,200ms'): Promise<TestShop> {
    const prefix = uniquePrefix(label);
    const topology = topologyOf(SHOP_REGISTRY, { prefix, retryTiers: tiers(retryDelays), deliveryLimit: 5 });
    const broker = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
    return new TestShop(prefix, retryDelays, topology, broker, await QueueInspector.open());
  }

  /** What a service process needs to join this shop. */
  get env(): Record<string, string> {
    return { QUEUE_PREFIX: this.prefix, RETRY_DELAYS: this.retryDelays };
  }

  queuesOf(service: string): ServiceQueues {
    const queues = this.topology.services.find((candidate) => candidate.service === service);
    if (!queues) throw new Error(`no queues for ${service}`);
    return queues;
  }

  publish(event: EventEnvelope): Promise<void> {
    return this.broker.publish(event);
  }

  /** Outcome events about `orderId` seen so far, oldest first. */
  async outcomesFor(orderId: string): Promise<EventEnvelope[]> {
    const messages = await this.inspector.drain(this.queuesOf('checkout').workQueue);
    this.outcomes.push(...messages.map((message) => JSON.parse(message.content.toString()) as EventEnvelope));
    return this.outcomes.filter((event) => (event.data as { orderId?: string }).orderId === orderId);
  }

  async waitForOutcome(orderId: string, type: string, timeoutMs = 15_000): Promise<EventEnvelope> {
    const [first] = (await this.waitForOutcomes(orderId, type, 1, timeoutMs)) as [EventEnvelope];
    return first;
  }

  async waitForOutcomes(orderId: string, type: string, count: number, timeoutMs = 15_000) {
    return waitFor(
      `${count} ${type} for order ${orderId}`,
      async () => {
        const matching = (await this.outcomesFor(orderId)).filter((event) => event.type === type);
        return matching.length >= count && matching;
      },
      timeoutMs,
    );
  }

  /** Moves every message in `service`'s DLQ back to its work queue with the headers an operator's replay writes; returns them. */
  async replayDeadLetters(service: string): Promise<GetMessage[]> {
    const queues = this.queuesOf(service);
    const parked = await this.inspector.drain(queues.deadLetterQueue);
    for (const message of parked) {
      const { headers = {}, messageId } = message.properties;
      this.inspector.channel.sendToQueue(queues.workQueue, message.content, {
        messageId,
        persistent: true,
        contentType: 'application/json',
        headers: replayHeaders(headers, 'test', new Date()),
      });
    }
    return parked;
  }

  async close(): Promise<void> {
    await this.broker.close();
    await this.inspector.deleteTopology(this.topology);
    await this.inspector.close();
  }
}

import type { RetryTier } from '@shared/core/config';
import type { Channel, Options } from 'amqplib';
import type { Registry } from './registry';

/**
 * Every exchange and queue the system uses, derived from one description.
 * See docs/messaging.md for the picture; the reasons for each argument are
 * next to it below.
 */

/** A service that consumes events: one work queue, its retry tiers and its dead-letter queue. */
export interface ConsumerDefinition {
  service: string;
  /** The work queue's name after the service, e.g. "order-completed" gives "email.order-completed". */
  queue: string;
  /** Routing keys (event types) bound to the work queue. */
  routingKeys: string[];
  /** The service's lower-priority job queue, if it has jobs (see the registry's `jobs`). */
  jobs?: { queue: string; routingKeys: string[] };
  /**
   * Whether it reports its work as a task's outcomes (a task consumer), so
   * it reads what the broker dead-lettered for it to report that too.
   * Default true; a projector of outcomes reports none.
   */
  reportsOutcomes?: boolean;
}

export interface TopologyOptions {
  /** Prepended to every name, so test runs and stacks sharing a broker never collide. */
  prefix: string;
  retryTiers: RetryTier[];
  /** Deliveries without an outcome before the broker dead-letters a message (crash-loop guard). */
  deliveryLimit: number;
}

export interface RetryQueue {
  tier: RetryTier;
  name: string;
}

export interface ServiceQueues {
  service: string;
  workQueue: string;
  routingKeys: string[];
  /**
   * A second work queue for the service's jobs, consumed beside the first
   * with a lower priority. It shares the retry tiers and the DLQ: a retried
   * job comes back through the main work queue (docs/job-controls.md).
   */
  jobQueue?: { name: string; routingKeys: string[] };
  retryQueues: RetryQueue[];
  deadLetterExchange: string;
  deadLetterQueue: string;
  /**
   * A second queue on the dead-letter exchange. The consumer parks messages
   * in the DLQ itself (through the default exchange); what reaches the DLX is
   * what the broker dead-lettered on its own (its delivery limit), so a task
   * consumer reads this queue to report those too. Absent for a consumer
   * that reports no outcomes: nothing would ever read it.
   */
  brokerDeadLetterQueue?: string;
}

export interface Topology {
  eventsExchange: string;
  deliveryLimit: number;
  services: ServiceQueues[];
}

export interface QueueDeclaration {
  name: string;
  arguments: Record<string, unknown>;
}

export const EVENTS_EXCHANGE = 'shop.events';

export function describeTopology(consumers: ConsumerDefinition[], options: TopologyOptions): Topology {
  const name = (suffix: string) => `${options.prefix}${suffix}`;
  return {
    eventsExchange: name(EVENTS_EXCHANGE),
    deliveryLimit: options.deliveryLimit,
    services: consumers.map(({ service, queue, routingKeys, jobs, reportsOutcomes = true }) => ({
      service,
      workQueue: name(`${service}.${queue}`),
      routingKeys,
      ...(jobs
        ? { jobQueue: { name: name(`${service}.${jobs.queue}`), routingKeys: jobs.routingKeys } }
        : {}),
      // Named by delay: a changed schedule declares new queues instead of
      // failing with PRECONDITION_FAILED on an existing queue's TTL.
      retryQueues: options.retryTiers.map((tier) => ({ tier, name: name(`${service}.retry.${tier.label}`) })),
      deadLetterExchange: name(`${service}.dlx`),
      deadLetterQueue: name(`${service}.dlq`),
      ...(reportsOutcomes ? { brokerDeadLetterQueue: name(`${service}.dlq-reports`) } : {}),
    })),
  };
}

/** The topology of every consumer a registry describes. */
export function topologyOf(registry: Registry, options: TopologyOptions): Topology {
  return describeTopology(
    registry.entries.map(({ service, queue, consumes, jobs, task }) => ({
      service,
      queue,
      routingKeys: consumes.map((contract) => contract.routingKey),
      reportsOutcomes: task !== undefined,
      ...(jobs
        ? { jobs: { queue: jobs.queue, routingKeys: jobs.consumes.map((contract) => contract.routingKey) } }
        : {}),
    })),
    options,
  );
}

export function findService(topology: Topology, service: string): ServiceQueues {
  const queues = topology.services.find((candidate) => candidate.service === service);
  if (!queues) throw new Error(`No queues are described for service "${service}"`);
  return queues;
}

/**
 * Quorum queues, each with a dead-letter exchange. At-least-once dead-lettering
 * keeps a message in its source queue until the target confirms it, and needs
 * `reject-publish` overflow. https://www.rabbitmq.com/docs/quorum-queues#dead-lettering
 */
const quorum = (deadLetterExchange: string) => ({
  'x-queue-type': 'quorum',
  'x-dead-letter-exchange': deadLetterExchange,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

/** The queues of one service with the exact arguments they are declared with. */
export function queueDeclarations(queues: ServiceQueues, deliveryLimit: number): QueueDeclaration[] {
  // Without a dead-letter exchange, RabbitMQ 4 silently drops a message
  // after its default delivery limit of 20.
  const workQueueArguments = { ...quorum(queues.deadLetterExchange), 'x-delivery-limit': deliveryLimit };
  return [
    { name: queues.workQueue, arguments: workQueueArguments },
    ...(queues.jobQueue ? [{ name: queues.jobQueue.name, arguments: workQueueArguments }] : []),
    ...queues.retryQueues.map(({ tier, name }) => ({
      name,
      // One queue per delay with a queue-level TTL: RabbitMQ expires only the
      // head of a queue, so mixed delays in one queue would hold short ones
      // behind long ones. On expiry the default exchange ("") routes the
      // message straight back to the work queue by name.
      arguments: {
        ...quorum(''),
        'x-dead-letter-routing-key': queues.workQueue,
        'x-message-ttl': tier.delayMs,
      },
    })),
    ...(queues.brokerDeadLetterQueue
      ? [
          {
            name: queues.brokerDeadLetterQueue,
            // Copies of what the broker dead-lettered, read by the consumer only to
            // report them; the messages themselves are in the DLQ. The one queue
            // without a DLX on purpose: a copy that keeps failing to be reported is
            // dropped at the delivery limit, and the DLQ still holds the message.
            arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': deliveryLimit },
          },
        ]
      : []),
    {
      name: queues.deadLetterQueue,
      // The parking lot for humans. A message rejected from here (a discard
      // that failed half-way, a tool that crashed) comes back here instead of
      // being dropped.
      arguments: quorum(queues.deadLetterExchange),
    },
  ];
}

/**
 * Declares the events exchange and, for every described service, its work
 * queue, dead-letter exchange and queue. Retry queues are declared only for
 * `ownService`, because their names follow that process's RETRY_DELAYS.
 * Declaring every work queue from every process means an event is never
 * unroutable just because its consumer has not started yet.
 */
export async function declareTopology(channel: Channel, topology: Topology, ownService?: string) {
  const durable: Options.AssertExchange = { durable: true };
  await channel.assertExchange(topology.eventsExchange, 'topic', durable);
  for (const queues of topology.services) {
    await channel.assertExchange(queues.deadLetterExchange, 'fanout', durable);
    for (const declaration of queueDeclarations(queues, topology.deliveryLimit)) {
      const isRetryQueue = queues.retryQueues.some((retry) => retry.name === declaration.name);
      if (isRetryQueue && queues.service !== ownService) continue;
      await channel.assertQueue(declaration.name, { durable: true, arguments: declaration.arguments });
    }
    await channel.bindQueue(queues.deadLetterQueue, queues.deadLetterExchange, '');
    if (queues.brokerDeadLetterQueue)
      await channel.bindQueue(queues.brokerDeadLetterQueue, queues.deadLetterExchange, '');
    for (const routingKey of queues.routingKeys) {
      await channel.bindQueue(queues.workQueue, topology.eventsExchange, routingKey);
    }
    for (const routingKey of queues.jobQueue?.routingKeys ?? []) {
      await channel.bindQueue(queues.jobQueue!.name, topology.eventsExchange, routingKey);
    }
  }
}

/**
 * Removes every exchange and queue of `topology`, messages included. For
 * tests and benchmarks cleaning up after themselves; never run it against a
 * stack whose dead letters someone still needs.
 */
export async function deleteTopology(channel: Channel, topology: Topology) {
  for (const queues of topology.services) {
    for (const queue of [
      queues.workQueue,
      ...(queues.jobQueue ? [queues.jobQueue.name] : []),
      queues.deadLetterQueue,
      ...(queues.brokerDeadLetterQueue ? [queues.brokerDeadLetterQueue] : []),
      ...queues.retryQueues.map(({ name }) => name),
    ]) {
      await channel.deleteQueue(queue);
    }
    await channel.deleteExchange(queues.deadLetterExchange);
  }
  await channel.deleteExchange(topology.eventsExchange);
}

import type { loadConfig, messagingVariables } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import { connectBroker, type Topology } from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { type ChannelModel, connect } from 'amqplib';
import {
  bind,
  declare,
  length,
  type Outcome,
  outcome,
  peek,
  publish,
  remove,
  take,
} from './permission-probes';
import { publishedBy, queueMonitorAccount } from './shop-accounts';

/** The checks of check-rabbitmq-permissions.ts, each reported as it runs, and their tally. */

const CONNECT_TIMEOUT_MS = 15_000;

let failures = 0;
/** Prints one check's outcome; one other than expected counts as a failure. */
export function report(expected: Outcome, actual: Outcome, what: string) {
  const ok = expected === actual;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}: ${actual}${ok ? '' : ` (expected ${expected})`}`);
}

/** How many checks have failed so far. */
export function failureCount(): number {
  return failures;
}

/** The checks publish and take back test events: never where a service is running or messages wait. */
export async function refuseUnlessIdle(admin: ChannelModel, topology: Topology) {
  const channel = await admin.createChannel();
  try {
    for (const queues of topology.services) {
      for (const queue of [queues.workQueue, queues.deadLetterQueue]) {
        const { messageCount, consumerCount } = await channel.checkQueue(queue).catch(() => {
          throw new Error(`${queue} does not exist: import deploy/rabbitmq/definitions.json first.`);
        });
        if (messageCount > 0 || consumerCount > 0) {
          throw new Error(
            `${queue} has ${messageCount} message(s) and ${consumerCount} consumer(s): ` +
              'run the checks on a scratch broker, with no service attached.',
          );
        }
      }
    }
  } finally {
    await channel.close();
  }
}

/** Each service's own startup, through the runtime itself: the whole topology and its retry queues. */
export async function checkTopologyDeclarations(
  topology: Topology,
  services: string[],
  urlOf: (user: string) => string,
  messaging: ReturnType<typeof loadConfig<typeof messagingVariables>>,
) {
  for (const service of services) {
    const broker = await connectBroker(
      SHOP_REGISTRY,
      { ...messaging, AMQP_URL: [urlOf(service)] },
      createLogger('permissions-check', 'silent'),
      { service, waitForConnection: false },
    );
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    while (!broker.connected && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const retryQueues = topology.services.find((queues) => queues.service === service)?.retryQueues ?? [];
    report(
      'allowed',
      broker.connected ? 'allowed' : 'refused',
      `${service}: declares the topology and ${retryQueues.map(({ name }) => name).join(', ')}`,
    );
    await broker.close();
  }
}

/** The broker's work in the services' own paths, each message taken back by the user that consumes it. */
export async function checkWhatEachProcessDoes(topology: Topology, connections: Map<string, ChannelModel>) {
  const as = (service: string) => connections.get(service) as ChannelModel;
  const consumers = topology.services.filter(({ service }) => service !== 'checkout');
  const checkout = topology.services.find(({ service }) => service === 'checkout');
  if (!checkout) throw new Error('The topology has no checkout');

  // OrderCompleted, from checkout's outbox relay, to every consumer's work queue.
  for (const routingKey of publishedBy('checkout')) {
    report(
      'allowed',
      await outcome(as('checkout'), publish(topology.eventsExchange, routingKey)),
      `checkout: publishes ${routingKey}`,
    );
  }
  for (const { service, workQueue } of consumers) {
    report('allowed', await outcome(as(service), take(workQueue)), `${service}: consumes ${workQueue}`);
  }

  for (const { service, workQueue, jobQueue, retryQueues, deadLetterQueue } of consumers) {
    // Its outcome events, which checkout consumes, and its due jobs, which its own job queue holds.
    for (const routingKey of publishedBy(service)) {
      report(
        'allowed',
        await outcome(as(service), publish(topology.eventsExchange, routingKey)),
        `${service}: publishes ${routingKey}`,
      );
      const [reader, queue] = jobQueue?.routingKeys.includes(routingKey)
        ? [service, jobQueue.name]
        : ['checkout', checkout.workQueue];
      report('allowed', await outcome(as(reader), take(queue)), `${reader}: consumes ${queue}`);
    }
    // A failed attempt into its first retry tier; the tier's TTL hands it back to the work queue.
    const [firstTier] = retryQueues;
    if (firstTier) {
      report(
        'allowed',
        await outcome(as(service), publish('', firstTier.name)),
        `${service}: republishes to ${firstTier.name}`,
      );
      await new Promise((resolve) => setTimeout(resolve, firstTier.tier.delayMs + 500));
      report(
        'allowed',
        await outcome(as(service), take(workQueue)),
        `${service}: gets it back from ${workQueue}`,
      );
    }
    // A parked message into its DLQ, which the operations service drains and replays.
    report(
      'allowed',
      await outcome(as(service), publish('', deadLetterQueue)),
      `${service}: parks in ${deadLetterQueue}`,
    );
    report(
      'allowed',
      await outcome(as('operations'), take(deadLetterQueue)),
      `operations: reads ${deadLetterQueue}`,
    );
    report(
      'allowed',
      await outcome(as('operations'), publish('', workQueue)),
      `operations: replays into ${workQueue}`,
    );
    report('allowed', await outcome(as(service), take(workQueue)), `${service}: consumes the replay`);
  }
}

export async function checkRefusals(topology: Topology, connections: Map<string, ChannelModel>) {
  const as = (service: string) => connections.get(service) as ChannelModel;
  for (const own of topology.services) {
    const { service } = own;
    for (const other of topology.services) {
      if (other.service === service) continue;
      report(
        'refused',
        await outcome(as(service), peek(other.workQueue)),
        `${service}: reads ${other.workQueue}`,
      );
      for (const { name } of other.retryQueues.slice(0, 1)) {
        report('refused', await outcome(as(service), declare(name)), `${service}: declares ${name}`);
      }
    }
    report(
      'refused',
      await outcome(as(service), peek(own.deadLetterQueue)),
      `${service}: reads its own ${own.deadLetterQueue}`,
    );
    const foreign = topology.services.find((queues) => queues.service !== service)?.service ?? '';
    for (const routingKey of publishedBy(foreign).slice(0, 1)) {
      report(
        'refused',
        await outcome(as(service), publish(topology.eventsExchange, routingKey)),
        `${service}: publishes ${foreign}'s ${routingKey}`,
      );
    }
    report(
      'refused',
      await outcome(as(service), declare(`${service}.unlisted`)),
      `${service}: declares ${service}.unlisted`,
    );
  }
}

/** What KEDA's scaler does over AMQP (a passive declare per queue), and what it must not do. */
export async function checkQueueMonitor(topology: Topology, urlOf: (user: string) => string) {
  const { name, queues } = queueMonitorAccount(topology);
  const monitor = await connect(urlOf(name));
  try {
    for (const queue of queues) {
      report('allowed', await outcome(monitor, length(queue)), `${name}: reads the length of ${queue}`);
    }
    const [queue = ''] = queues;
    report('refused', await outcome(monitor, peek(queue)), `${name}: reads ${queue}`);
    report('refused', await outcome(monitor, publish('', queue)), `${name}: publishes to ${queue}`);
    report(
      'refused',
      await outcome(monitor, bind(queue, topology.eventsExchange)),
      `${name}: binds ${queue} to ${topology.eventsExchange}`,
    );
    report('refused', await outcome(monitor, remove(queue)), `${name}: deletes ${queue}`);
  } finally {
    await monitor.close();
  }
}

/**
 * Proves the users of deploy/rabbitmq/definitions.json against a running broker that imported
 * it: each service's user can do what its process does, and is refused what it has no reason
 * to do; queue-monitor (KEDA's scaler) reads the length of the consumers' work queues and
 * nothing else.
 *
 *   npm run rabbitmq:check-permissions -- --url amqp://localhost:5673
 *
 * For a scratch broker only, such as the local cluster (deploy/rabbitmq/README.md): it
 * publishes test events and takes them back, so it stops before doing anything when a work
 * queue or dead-letter queue has a consumer or holds messages. Passwords as for
 * `npm run rabbitmq:definitions` (RABBITMQ_<USER>_PASSWORD, else the development defaults).
 * Exits 1 when any check fails.
 */
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { loadConfig, messagingVariables } from '@shop/shared/config';
import { createLogger } from '@shop/shared/logging';
import { connectBroker, type Topology, topologyOf } from '@shop/shared/messaging';
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import { Command } from 'commander';
import { environmentPasswords, publishedBy, queueMonitorAccount } from './rabbitmq/shop-accounts';

const ACCESS_REFUSED = 403;
const CONNECT_TIMEOUT_MS = 15_000;

type Outcome = 'allowed' | 'refused';

let failures = 0;
function report(expected: Outcome, actual: Outcome, what: string) {
  const ok = expected === actual;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${what}: ${actual}${ok ? '' : ` (expected ${expected})`}`);
}

new Command('check-rabbitmq-permissions')
  .option('--url <url>', 'the broker, without credentials', 'amqp://localhost:5672')
  .action(async (options: { url: string }) => {
    const messaging = loadConfig(messagingVariables, {});
    const topology = topologyOf(SHOP_REGISTRY, {
      prefix: '',
      retryTiers: messaging.RETRY_DELAYS,
      deliveryLimit: messaging.DELIVERY_LIMIT,
    });
    const passwords = environmentPasswords(topology, { fallBackToDevelopment: true });
    const urlOf = (user: string, password = passwords.get(user) ?? '') => {
      const url = new URL(options.url);
      url.username = encodeURIComponent(user);
      url.password = encodeURIComponent(password);
      return url.toString();
    };
    const services = topology.services.map(({ service }) => service);

    const admin = await connect(urlOf('admin'));
    try {
      await refuseUnlessIdle(admin, topology);
      await checkTopologyDeclarations(topology, services, urlOf, messaging);
      const connections = new Map<string, ChannelModel>();
      for (const service of services) connections.set(service, await connect(urlOf(service)));
      try {
        await checkWhatEachProcessDoes(topology, connections);
        await checkRefusals(topology, connections);
      } finally {
        for (const connection of connections.values()) await connection.close().catch(() => {});
      }
      await checkQueueMonitor(topology, urlOf);
      report('refused', await connectOutcome(urlOf('email', 'not-the-password')), 'a wrong password');
    } finally {
      await admin.close();
    }
    console.log(failures === 0 ? '\nEvery check passed.' : `\n${failures} check(s) failed.`);
    process.exitCode = failures === 0 ? 0 : 1;
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

/** The checks publish and take back test events: never where a service is running or messages wait. */
async function refuseUnlessIdle(admin: ChannelModel, topology: Topology) {
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
async function checkTopologyDeclarations(
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
async function checkWhatEachProcessDoes(topology: Topology, connections: Map<string, ChannelModel>) {
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
    // A parked message into its DLQ, which checkout's dead-letter API reads and replays.
    report(
      'allowed',
      await outcome(as(service), publish('', deadLetterQueue)),
      `${service}: parks in ${deadLetterQueue}`,
    );
    report(
      'allowed',
      await outcome(as('checkout'), take(deadLetterQueue)),
      `checkout: reads ${deadLetterQueue}`,
    );
    report(
      'allowed',
      await outcome(as('checkout'), publish('', workQueue)),
      `checkout: replays into ${workQueue}`,
    );
    report('allowed', await outcome(as(service), take(workQueue)), `${service}: consumes the replay`);
  }
}

async function checkRefusals(topology: Topology, connections: Map<string, ChannelModel>) {
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
    if (service !== 'checkout') {
      report(
        'refused',
        await outcome(as(service), peek(own.deadLetterQueue)),
        `${service}: reads its own ${own.deadLetterQueue}`,
      );
    }
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
async function checkQueueMonitor(topology: Topology, urlOf: (user: string) => string) {
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

/** Runs one operation on a channel of its own; a permission refusal closes that channel with 403. */
async function outcome(
  connection: ChannelModel,
  operation: (channel: ConfirmChannel) => Promise<unknown>,
): Promise<Outcome> {
  const channel = await connection.createConfirmChannel();
  let closedWith: { code?: unknown } | undefined;
  channel.on('error', (error: { code?: unknown }) => {
    closedWith = error;
  });
  try {
    await operation(channel);
    await channel.close();
    return 'allowed';
  } catch (error) {
    const code = closedWith?.code ?? (error as { code?: unknown }).code;
    if (code === ACCESS_REFUSED) return 'refused';
    throw error;
  }
}

const publish = (exchange: string, routingKey: string) => async (channel: ConfirmChannel) => {
  channel.publish(exchange, routingKey, Buffer.from('{"permissions-check":true}'), {
    mandatory: true,
    persistent: true,
  });
  await channel.waitForConfirms();
};

/** Gets and acks one message; "allowed" needs one to be there (the flows above put it there). */
const take = (queue: string) => async (channel: ConfirmChannel) => {
  for (let tries = 0; tries < 20; tries += 1) {
    const message = await channel.get(queue, { noAck: false });
    if (message) {
      channel.ack(message);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected a message in ${queue}, found none`);
};

/** Looks at the head of a queue and puts it back: reading, without needing a message there. */
const peek = (queue: string) => async (channel: ConfirmChannel) => {
  const message = await channel.get(queue, { noAck: false });
  if (message) channel.nack(message, false, true);
};

/** Declares a queue and, should that be allowed, removes it again (a classic queue, quick to delete). */
const declare = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.assertQueue(queue, { durable: false });
  await channel.deleteQueue(queue);
};

/** A passive declare, as KEDA's scaler does: the queue's ready messages, or a refusal. */
const length = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.checkQueue(queue);
};

/** Binds a queue with a routing key nothing publishes and, should that be allowed, unbinds it. */
const bind = (queue: string, exchange: string) => async (channel: ConfirmChannel) => {
  await channel.bindQueue(queue, exchange, 'permissions-check');
  await channel.unbindQueue(queue, exchange, 'permissions-check');
};

/** Deletes a queue only while it is empty and unused, as it is on the scratch broker these checks need. */
const remove = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true });
};

async function connectOutcome(url: string): Promise<Outcome> {
  try {
    const connection = await connect(url);
    await connection.close();
    return 'allowed';
  } catch {
    return 'refused';
  }
}

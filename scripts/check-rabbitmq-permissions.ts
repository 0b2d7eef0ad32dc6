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

import { loadConfig, messagingVariables } from '@shared/core/config';
import { topologyOf } from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { type ChannelModel, connect } from 'amqplib';
import { Command } from 'commander';
import {
  checkQueueMonitor,
  checkRefusals,
  checkTopologyDeclarations,
  checkWhatEachProcessDoes,
  failureCount,
  refuseUnlessIdle,
  report,
} from './rabbitmq/permission-checks';
import { connectOutcome } from './rabbitmq/permission-probes';
import { environmentPasswords } from './rabbitmq/shop-accounts';

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
      // The operations service's user drains and replays the DLQs; the topology does not name it.
      for (const service of [...services, 'operations'])
        connections.set(service, await connect(urlOf(service)));
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
    const failures = failureCount();
    console.log(failures === 0 ? '\nEvery check passed.' : `\n${failures} check(s) failed.`);
    process.exitCode = failures === 0 ? 0 : 1;
  })
  .parseAsync()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });

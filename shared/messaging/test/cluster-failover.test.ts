import { Broker, deleteTopology, type Topology } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { connect } from 'amqplib';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  clusterUrls,
  ensureCluster,
  killNode,
  nodeUrl,
  restartNode,
  runningNodes,
  stopCluster,
} from '../../../test/rabbitmq-cluster';
import { sleep, testLogger, testTopology, uniquePrefix, waitFor } from '../../../test/support';

/**
 * The node a process is connected to dies in the middle of a stream of
 * publishes and deliveries, on the local three-node cluster of
 * scripts/rabbitmq-cluster.sh. Given every node in its URL list, the broker
 * connection moves to another node while that one stays dead, and every
 * message the cluster confirmed is consumed.
 *
 * The cluster is this checkout's own, started from the machine's RabbitMQ
 * installation (as CI installs it): started here when it is not running and
 * stopped again afterwards (a minute or two the first time, when the nodes
 * join), used as it is when it runs. Never the machine's RabbitMQ on 5672.
 */
describe('broker connection to a cluster', () => {
  let cluster: { startedHere: boolean };
  let topology: Topology;
  const brokers: Broker[] = [];
  let publishing = true;

  beforeAll(async () => {
    cluster = await ensureCluster();
    topology = testTopology(uniquePrefix('cluster'), [
      { service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
  }, 5 * 60_000);

  afterAll(async () => {
    publishing = false;
    for (const broker of brokers) await broker.close();
    if (!(await runningNodes()).includes(1)) await restartNode(1);
    const connection = await connect(nodeUrl(2));
    await deleteTopology(await connection.createChannel(), topology);
    await connection.close();
    if (cluster.startedHere) await stopCluster();
  }, 5 * 60_000);

  test('When the node publisher and consumer are connected to is SIGKILLed mid-stream, then both move to another node and every confirmed message is consumed', async () => {
    const options = { url: clusterUrls(), topology, logger: testLogger() };
    const publisher = await Broker.connect(options);
    const consumer = await Broker.connect({ ...options, service: 'worker' });
    brokers.push(publisher, consumer);
    const consumed = new Set<string>();
    consumer.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      handler: async (event) => {
        await sleep(2);
        consumed.add(event.id);
      },
    });

    const confirmed: string[] = [];
    let failedPublishes = 0;
    let lastError = '';
    const total = 300;
    void (async () => {
      while (publishing && confirmed.length < total) {
        const event = anOrderCompletedEvent();
        // Like the outbox relay: a publish that was not confirmed in time is tried again
        // later (a confirm can be lost with the node that owed it; the consumer drops a copy).
        while (publishing) {
          try {
            await Promise.race([
              publisher.publish(event),
              sleep(5_000).then(() => Promise.reject(new Error('no confirm within 5 s'))),
            ]);
            confirmed.push(event.id);
            break;
          } catch (error) {
            lastError = String(error);
            failedPublishes++;
            await sleep(100);
          }
        }
      }
    })();

    await waitFor('a third of the stream published', () => confirmed.length >= total / 3);
    // Both connected to node 1, the first URL; so were the queues declared, so their leaders are there too.
    await killNode(1);

    await waitFor('the rest of the stream published', () => confirmed.length === total, 30_000).catch(
      (error: Error) => {
        const state = {
          confirmed: confirmed.length,
          failedPublishes,
          connected: publisher.connected,
          lastError,
        };
        throw new Error(`${error.message}: ${JSON.stringify(state)}`);
      },
    );
    await waitFor(
      'every confirmed message consumed',
      () => confirmed.every((id) => consumed.has(id)),
      60_000,
    );
    expect(await runningNodes()).toEqual([2, 3]);
    expect(failedPublishes).toBeGreaterThan(0);
    expect(publisher.connected).toBe(true);
    expect(consumer.consuming).toBe(true);
    const inspection = await connect(nodeUrl(3));
    const channel = await inspection.createChannel();
    expect((await channel.checkQueue(topology.services[0]!.deadLetterQueue)).messageCount).toBe(0);
    await inspection.close();
  }, 120_000);
});

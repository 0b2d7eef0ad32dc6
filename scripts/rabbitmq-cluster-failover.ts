/**
 * A quorum queue losing a node, on the local three-node cluster (deploy/rabbitmq/README.md):
 *
 *   scripts/rabbitmq-cluster.sh start
 *   npm run cluster:failover
 *
 * Declares a quorum queue through node 1, publishes messages to node 1 with publisher confirms,
 * hard-kills node 2 (which may be the queue's leader), consumes every message from node 3,
 * restarts node 2 and shows that it is a member of the queue again. Connects as guest/guest,
 * each node's default user. Exits 1 when a confirmed message is missing.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { connect } from 'amqplib';

const CLUSTER_SCRIPT = path.join(__dirname, 'rabbitmq-cluster.sh');
const MESSAGES = 100;
const CONSUME_TIMEOUT_MS = 60_000;
const node = (n: number) => `amqp://guest:guest@localhost:${5672 + n}`;

function cluster(...args: string[]): string {
  return execFileSync(CLUSTER_SCRIPT, args, { encoding: 'utf8' });
}

/** Leader, members and the members online, as node `n` sees the queue. */
function membership(n: number, queue: string): string {
  const rows = cluster('ctl', String(n), '-q', 'list_queues', 'name', 'leader', 'members', 'online');
  return rows.split('\n').find((row) => row.startsWith(`${queue}\t`)) ?? `${queue}: not listed`;
}

async function main() {
  const queue = `failover-demo-${Date.now()}`;

  console.log(`1. declare the quorum queue ${queue} through node 1 and publish ${MESSAGES} messages to it`);
  const first = await connect(node(1));
  first.on('error', (error: Error) => console.error(`   node 1 connection: ${error.message}`));
  const publishing = await first.createConfirmChannel();
  await publishing.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  for (let i = 1; i <= MESSAGES; i += 1) {
    publishing.sendToQueue(queue, Buffer.from(String(i)), { persistent: true });
  }
  await publishing.waitForConfirms();
  await first.close();
  console.log(`   every message confirmed. name, leader, members, online:\n   ${membership(1, queue)}`);

  console.log('2. hard-kill node 2');
  console.log(`   ${cluster('kill', '2').trim()}`);
  console.log(`   as node 1 sees the queue now:\n   ${membership(1, queue)}`);

  console.log('3. consume from node 3');
  const third = await connect(node(3));
  third.on('error', (error: Error) => console.error(`   node 3 connection: ${error.message}`));
  const consuming = await third.createChannel();
  await consuming.prefetch(50);
  const received = await new Promise<number[]>((resolve, reject) => {
    const bodies: number[] = [];
    const timer = setTimeout(
      () =>
        reject(new Error(`only ${bodies.length} of ${MESSAGES} messages within ${CONSUME_TIMEOUT_MS} ms`)),
      CONSUME_TIMEOUT_MS,
    );
    void consuming.consume(queue, (message) => {
      if (!message) return;
      bodies.push(Number(message.content.toString()));
      consuming.ack(message);
      if (bodies.length === MESSAGES) {
        clearTimeout(timer);
        resolve(bodies);
      }
    });
  });
  const inOrder = received.every((body, index) => body === index + 1);
  console.log(`   received ${received.length} of ${MESSAGES}, ${inOrder ? 'in order' : 'NOT in order'}`);

  console.log('4. restart node 2');
  console.log(`   ${cluster('restart', '2').trim().split('\n').at(-1)}`);
  console.log(`   ${membership(1, queue)}`);

  await consuming.deleteQueue(queue);
  await third.close();
  if (received.length !== MESSAGES || !inOrder) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

/**
 * Chaos with a checker. Orders arrive at a steady rate from a client that
 * retries each one with its Idempotency-Key until it gets a definite answer,
 * while a schedule injects every fault once: SIGKILL of every service
 * (checkout with requests in flight), dropped broker connections, a broker
 * stop and start, a Postgres restart, an SMTP outage and a slow SMTP server,
 * duplicate publishes and malformed messages. Then it waits for the system to
 * converge and checks every side effect of every order: lost, doubled,
 * unexpected; stuck orders; and the conservation of every consumer's events.
 * Exits non-zero on any.
 *
 *   npm run chaos                       1,000 orders at 10 a second
 *   npm run chaos -- --profile ci       300 orders, every fault once (CI)
 *   npm run chaos -- --cluster          against the local three-node cluster, each node SIGKILLed once
 *
 * It restarts the run's RabbitMQ and this machine's Postgres (it needs the
 * rights to run rabbitmqctl and pg_ctlcluster): the broker at AMQP_URL when
 * it is a node of scripts/rabbitmq-release.sh or the machine's own RabbitMQ
 * (broker-control.ts; any other broker stops the run before it starts). Run
 * it on a machine of your own, not beside anything else, or with
 * --no-server-restarts. With
 * --cluster the services get every node of scripts/rabbitmq-cluster.sh's
 * cluster in AMQP_URL (started for the run when it is not running, and
 * stopped again), the node kills replace the broker restart, and the
 * machine's RabbitMQ is not used. Loopback only; its own database, queue
 * prefix and receipts directory, removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AmqpUrls, parseRetryDelays, type RetryTier } from '@shared/core/config';
import { createLogger } from '@shared/core/logging';
import type { EventEnvelope } from '@shared/messaging';
import { Broker, deleteTopology, topologyOf } from '@shared/messaging';
import { SHOP_CONSUMERS, SHOP_REGISTRY } from '@shop/contracts/registry';
import { Command } from 'commander';
import { clusterUrls, ensureCluster, killNode, restartNode, stopCluster } from '../../test/rabbitmq-cluster';
import { freePort, ServiceProcess } from '../../test/service-process';
import { SmtpSink } from '../../test/smtp-sink';
import { TcpProxy } from '../../test/tcp-proxy';
import { WebhookReceiver } from '../../test/webhook-receiver';
import { benchDatabase, benchRun, environment } from '../database/scratch-run';
import { type BrokerControl, brokerControl } from './broker-control';
import { check } from './checker';
import { conservation } from './conservation';
import { SCHEDULE, type ServiceName, type Targets } from './faults';
import { OrderClient } from './order-client';

const PROFILES = {
  full: { orders: 1_000, rate: 10 },
  ci: { orders: 300, rate: 10 },
} as const;

const options = new Command('chaos')
  .option('--profile <name>', 'full (1,000 orders) or ci (300)', 'full')
  .option('--orders <n>', 'orders to place (overrides the profile)', Number)
  .option('--rate <n>', 'orders per second', Number)
  .option(
    '--converge-timeout <s>',
    'how long the system may take to settle after the last fault',
    Number,
    180,
  )
  .option(
    '--no-server-restarts',
    'skip the RabbitMQ and Postgres restarts (on a machine whose servers others use)',
  )
  .option('--cluster', 'run against the local three-node RabbitMQ cluster and SIGKILL each node once')
  .parse()
  .opts<{
    profile: keyof typeof PROFILES;
    orders?: number;
    rate?: number;
    convergeTimeout: number;
    serverRestarts: boolean;
    cluster?: boolean;
  }>();

/** checkout, the operations service, and one process of every consumer of the registry. */
const SERVICES: ServiceName[] = ['checkout', 'operations', ...SHOP_CONSUMERS];
const RETRY_DELAYS = '500ms,1s,2s,5s,10s,20s';
const ADMIN_TOKEN = 'chaos-admin-token-0123456789';
const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const profile = PROFILES[options.profile] ?? PROFILES.full;
  const orders = options.orders ?? profile.orders;
  const rate = options.rate ?? profile.rate;
  const bench = benchRun('chaos');
  const database = await benchDatabase(bench.databaseUrl);
  // Stock for every order, so no line is backordered and every order moves stock the same way.
  await database.prisma.$executeRawUnsafe('UPDATE inventory.stock_items SET on_hand = 1000000');
  const smtp = await SmtpSink.start();
  // The merchant's endpoint the webhooks service POSTs to; it keeps the first delivery of each id.
  const merchant = await WebhookReceiver.start();
  const receiptsDir = await mkdtemp(join(tmpdir(), 'chaos-receipts-'));
  if (options.cluster)
    log('Starting the local three-node cluster unless it runs (scripts/rabbitmq-cluster.sh start)');
  const cluster = options.cluster ? await ensureCluster() : undefined;
  const brokerUrls: AmqpUrls = cluster ? clusterUrls() : environment.AMQP_URL;
  // Found before anything starts: a broker the run cannot restart fails it now, not halfway.
  const restartable: BrokerControl | undefined =
    !cluster && options.serverRestarts ? await brokerControl(brokerUrls[0]!) : undefined;
  // One proxy per node, so a fault can drop every connection without touching the broker.
  const amqpProxies = await Promise.all(
    brokerUrls.map((url) => {
      const node = new URL(url);
      return TcpProxy.start(node.hostname, Number(node.port || 5672));
    }),
  );
  const topology = topologyOf(SHOP_REGISTRY, {
    prefix: bench.prefix,
    retryTiers: parseRetryDelays(RETRY_DELAYS) as RetryTier[],
    deliveryLimit: 5,
  });
  const pdfPort = await freePort();
  const env = {
    DATABASE_URL: bench.databaseUrl,
    AMQP_URL: brokerUrls.map((url, index) => amqpProxies[index]!.rewrite(url)).join(','),
    QUEUE_PREFIX: bench.prefix,
    RETRY_DELAYS,
    SMTP_URL: smtp.url,
    WEBHOOK_URL: merchant.endpoint,
    WEBHOOK_SECRET: WebhookReceiver.SECRET,
    SMTP_CONNECT_TIMEOUT_MS: '2000',
    SMTP_SEND_TIMEOUT_MS: '8000',
    HANDLER_TIMEOUT_MS: '10000',
    RECEIPTS_DIR: receiptsDir,
    RECEIPTS_BASE_URL: `http://127.0.0.1:${pdfPort}`,
    ADMIN_TOKEN,
    PENDING_ORDER_TIMEOUT: '5s',
    OUTBOX_POLL_MS: '200',
    PAYMENT_LATENCY_MS: '20',
    LOG_LEVEL: 'warn',
  };
  const schedule = SCHEDULE.filter(
    (fault) =>
      (options.serverRestarts || !fault.restartsServer) &&
      fault.only !== (cluster ? 'single-broker' : 'cluster'),
  );
  log(
    `Chaos run ${bench.id}: ${orders} orders at ${rate}/s, ${schedule.length} faults, ` +
      `${cluster ? 'the three-node cluster' : 'one broker'} (${amqpProxies.length} URL(s) in AMQP_URL)`,
  );
  const services = new Map<ServiceName, ServiceProcess>();
  for (const name of SERVICES) {
    services.set(
      name,
      await ServiceProcess.start(name, name === 'pdf' ? { ...env, PORT: String(pdfPort) } : env),
    );
  }
  // The run's own hand on the broker, straight (not through the proxies): injected messages, counts, clean-up.
  const broker = await Broker.connect({
    url: brokerUrls,
    topology,
    logger: createLogger('chaos', 'silent'),
  });
  const targets: Targets = {
    services,
    amqpProxies,
    smtp,
    ...(restartable ? { broker: restartable } : {}),
    ...(cluster ? { cluster: { kill: killNode, restart: restartNode } } : {}),
    log,
    async injectDuplicates(count) {
      const rows = await database.prisma.outboxMessage.findMany({
        where: { type: 'checkout.order.completed', publishedAt: { not: null } },
        take: count,
      });
      for (const row of rows) await broker.publish(row.payload as unknown as EventEnvelope);
      return rows.length;
    },
    injectMalformed(perQueue) {
      return broker.withChannel(async (channel) => {
        let sent = 0;
        for (const queues of topology.services.filter(({ service }) => service !== 'checkout')) {
          for (let index = 0; index < perQueue; index++) {
            channel.sendToQueue(queues.workQueue, Buffer.from(`{ not json ${index}`), { persistent: true });
            sent++;
          }
        }
        await channel.waitForConfirms();
        return sent;
      });
    },
  };

  const client = new OrderClient(() => services.get('checkout')!.url, bench.id);
  const streamMs = (orders / rate) * 1_000;
  const started = Date.now();
  const placing = client.placeAll(orders, rate, 10 * 60_000);
  for (const fault of schedule) {
    const wait = started + fault.at * streamMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${fault.name}`);
    await fault.apply(targets);
  }
  const faultsEnded = Date.now();
  await placing;
  log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  every order has a definite answer`);

  let verdict = await check({
    prisma: database.prisma,
    orders: client.orders,
    mails: smtp.received,
    webhooks: await merchant.deliveries(),
    receiptsDir,
  });
  const deadline = Date.now() + options.convergeTimeout * 1_000;
  while (!verdict.ok && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    verdict = await check({
      prisma: database.prisma,
      orders: client.orders,
      mails: smtp.received,
      webhooks: await merchant.deliveries(),
      receiptsDir,
    });
  }
  const convergedAfter = (Date.now() - faultsEnded) / 1000;
  // The broker counts copies, not events: a duplicate publish, or a relay
  // republish after a lost confirm, may still sit in a retry tier after every
  // effect has happened. Once those drain, the sums must hold exactly.
  const balanceOptions = {
    prisma: database.prisma,
    broker,
    operationsUrl: services.get('operations')!.url,
    adminToken: ADMIN_TOKEN,
  };
  let balance = await conservation(balanceOptions);
  const balanceDeadline = Math.max(deadline, Date.now() + 60_000);
  while (!balance.ok && Date.now() < balanceDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    balance = await conservation(balanceOptions);
  }

  const answers = new Map<string, number>();
  for (const order of client.orders) {
    const key = String(order.status ?? 'none');
    answers.set(key, (answers.get(key) ?? 0) + 1);
  }
  log(`\nAnswers: ${[...answers].map(([status, n]) => `${n} × ${status}`).join(', ')}`);
  log(`Retries by the client: ${client.orders.reduce((sum, order) => sum + order.attempts - 1, 0)}`);
  console.table(verdict.rows);
  log(
    `stuck orders: ${verdict.stuck.length}${verdict.stuck.length ? ` (${verdict.stuck.slice(0, 5).join(', ')})` : ''}`,
  );
  if (verdict.resentMessageIds.length > 0) log(`resent Message-IDs: ${verdict.resentMessageIds.join(', ')}`);
  log(`${verdict.ok ? 'converged' : 'NOT converged'} ${convergedAfter.toFixed(1)} s after the last fault`);
  console.table(balance.rows);
  // A service that died on its own (not by a fault, which restarts it) leaves its queue unread;
  // its last lines say why.
  const died = [...services.values()].filter((service) => service.handle.hasExited);
  for (const service of died) {
    const { code, signal } = await service.handle.exited;
    log(`\n${service.name} exited during the run (code ${code}, signal ${signal}); its last lines:`);
    for (const line of service.handle.lines.slice(-15)) log(`  ${line}`);
    if (service.handle.stderr) log(`  stderr: ${service.handle.stderr.slice(-2_000)}`);
  }

  for (const service of services.values()) await service.stop();
  await broker.withChannel((channel) => deleteTopology(channel, topology));
  await broker.close();
  for (const proxy of amqpProxies) await proxy.stop();
  if (cluster?.startedHere) await stopCluster();
  await smtp.stop();
  await merchant.stop();
  await database.drop();
  await rm(receiptsDir, { recursive: true, force: true });

  const accepted = client.orders.filter((order) => order.status === 201).length;
  const ok = verdict.ok && balance.ok && accepted > 0 && died.length === 0;
  log(ok ? 'PASS: nothing lost, nothing doubled, nothing unexpected, nothing stuck' : 'FAIL');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

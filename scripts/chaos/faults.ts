import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ShopConsumer } from '@shop/contracts/registry';
import type { ClusterNode } from '../../test/rabbitmq-cluster';
import type { ServiceProcess } from '../../test/service-process';
import type { SmtpSink } from '../../test/smtp-sink';
import type { TcpProxy } from '../../test/tcp-proxy';
import type { BrokerControl } from './broker-control';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A process of the run: checkout, the operations service or a consumer of the registry. */
export type ServiceName = 'checkout' | 'operations' | ShopConsumer;

/**
 * What the faults act on: the running services, the proxies every service
 * reaches RabbitMQ through (one per node), the SMTP server, the run's broker
 * when it may be restarted, and on a cluster run its nodes.
 */
export interface Targets {
  services: Map<ServiceName, ServiceProcess>;
  amqpProxies: TcpProxy[];
  smtp: SmtpSink;
  /** The one broker of a single-broker run with server restarts. */
  broker?: BrokerControl;
  cluster?: {
    kill(node: ClusterNode): Promise<string>;
    restart(node: ClusterNode): Promise<string>;
  };
  /** Publishes copies of already-published events, and malformed messages, straight to the broker. */
  injectDuplicates(count: number): Promise<number>;
  injectMalformed(perQueue: number): Promise<number>;
  log(line: string): void;
}

export interface Fault {
  name: string;
  /** Restarts a server other runs may share (RabbitMQ, Postgres). */
  restartsServer?: boolean;
  /** Makes sense only against one broker (the machine's RabbitMQ) or only against the cluster. */
  only?: 'single-broker' | 'cluster';
  /** When in the run it starts, as a fraction of the order stream's length. */
  at: number;
  apply(targets: Targets): Promise<void>;
}

/** SIGKILL, a moment dead, then the same service again on its port (checkout with requests in flight). */
const kill = (name: ServiceName, at: number): Fault => ({
  name: `SIGKILL ${name}`,
  at,
  async apply(targets) {
    const service = targets.services.get(name)!;
    await service.stop('SIGKILL');
    await sleep(1_500);
    targets.services.set(name, await service.restart());
  },
});

/**
 * SIGKILL of a cluster node's Erlang VM, a few seconds dead, then the node
 * again; it rejoins and its quorum queue replicas catch up. The schedule
 * kills each node once, one at a time: a connection stays on its node until
 * it is lost, so every service loses the node it is on at least once, and
 * every queue its leader.
 */
const killNode = (node: ClusterNode, at: number): Fault => ({
  name: `SIGKILL RabbitMQ node ${node}, restart it 5 s later`,
  at,
  only: 'cluster',
  async apply(targets) {
    targets.log(`   (${(await targets.cluster!.kill(node)).trim()})`);
    await sleep(5_000);
    await targets.cluster!.restart(node);
    targets.log(`   (rabbit${node}@localhost is running again)`);
  },
});

/**
 * Every fault of the schedule, each once, spread over the run. The broker
 * restart acts on the run's broker (its rabbitmqctl: broker-control.ts) and
 * the Postgres restart on the machine's Postgres (pg_ctlcluster); on a
 * cluster run the node kills take the broker restart's place. Everything
 * else acts on the run's own processes, proxies and SMTP server.
 */
export const SCHEDULE: Fault[] = [
  kill('email', 0.08),
  kill('checkout', 0.14),
  kill('pdf', 0.2),
  kill('inventory', 0.26),
  kill('analytics', 0.32),
  kill('webhooks', 0.35),
  {
    name: 'drop every broker connection for 3 s',
    at: 0.38,
    async apply(targets) {
      for (const proxy of targets.amqpProxies) proxy.cut();
      await sleep(3_000);
      for (const proxy of targets.amqpProxies) proxy.restore();
    },
  },
  {
    name: 'stop RabbitMQ for 5 s, then start it',
    at: 0.46,
    restartsServer: true,
    only: 'single-broker',
    async apply(targets) {
      const broker = targets.broker!;
      targets.log(`   (${broker.describe})`);
      await broker.ctl('stop_app');
      await sleep(5_000);
      await broker.ctl('start_app');
      await broker.ctl('await_startup');
    },
  },
  killNode(1, 0.44),
  {
    name: 'restart Postgres',
    at: 0.56,
    restartsServer: true,
    async apply() {
      const { stdout } = await run('ls', ['/etc/postgresql']);
      const version = stdout.split('\n').filter(Boolean).sort().pop()!;
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart']);
    },
  },
  killNode(2, 0.6),
  {
    name: 'SMTP server down for 8 s',
    at: 0.66,
    async apply(targets) {
      await targets.smtp.stop();
      await sleep(8_000);
      await targets.smtp.listen();
    },
  },
  {
    name: 'SMTP server slow (every 250 two seconds late) for 6 s',
    at: 0.76,
    async apply(targets) {
      targets.smtp.replyDelayMs = 2_000;
      await sleep(6_000);
      targets.smtp.replyDelayMs = 0;
    },
  },
  killNode(3, 0.8),
  {
    name: 'publish 20 duplicates of published events',
    at: 0.84,
    async apply(targets) {
      targets.log(`   (${await targets.injectDuplicates(20)} duplicates published)`);
    },
  },
  {
    name: 'publish 3 malformed messages to every work queue',
    at: 0.9,
    async apply(targets) {
      targets.log(`   (${await targets.injectMalformed(3)} malformed messages published)`);
    },
  },
];

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ServiceProcess } from '../../test/service-process';
import type { SmtpSink } from '../../test/smtp-sink';
import type { TcpProxy } from '../../test/tcp-proxy';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type ServiceName = 'checkout' | 'email' | 'pdf' | 'inventory' | 'analytics';

/** What the faults act on: the running services, the proxy every service reaches RabbitMQ through, the SMTP server. */
export interface Targets {
  services: Map<ServiceName, ServiceProcess>;
  amqpProxy: TcpProxy;
  smtp: SmtpSink;
  /** Publishes copies of already-published events, and malformed messages, straight to the broker. */
  injectDuplicates(count: number): Promise<number>;
  injectMalformed(perQueue: number): Promise<number>;
  log(line: string): void;
}

export interface Fault {
  name: string;
  /** Restarts a server other runs may share (RabbitMQ, Postgres). */
  restartsServer?: boolean;
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
 * Every fault of the schedule, each once, spread over the run. The broker
 * restart and the Postgres restart act on the real servers (they need the
 * rights to run rabbitmqctl and pg_ctlcluster); everything else acts on the
 * run's own processes, proxy and SMTP server.
 */
export const SCHEDULE: Fault[] = [
  kill('email', 0.08),
  kill('checkout', 0.14),
  kill('pdf', 0.2),
  kill('inventory', 0.26),
  kill('analytics', 0.32),
  {
    name: 'drop every broker connection for 3 s',
    at: 0.38,
    async apply(targets) {
      targets.amqpProxy.cut();
      await sleep(3_000);
      targets.amqpProxy.restore();
    },
  },
  {
    name: 'stop RabbitMQ for 5 s, then start it',
    at: 0.46,
    restartsServer: true,
    async apply() {
      await run('rabbitmqctl', ['-q', 'stop_app']);
      await sleep(5_000);
      await run('rabbitmqctl', ['-q', 'start_app']);
      await run('rabbitmqctl', ['-q', 'await_startup']);
    },
  },
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

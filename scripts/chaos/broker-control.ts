import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const RELEASE_SCRIPT = join(__dirname, '..', 'rabbitmq-release.sh');

/** rabbitmqctl of the node the run's services use. */
export interface BrokerControl {
  /** Which node it reaches, for the run's log. */
  describe: string;
  ctl(...args: string[]): Promise<void>;
}

/**
 * The rabbitmqctl of the broker at `url`, for the fault that stops and starts
 * it: a node of scripts/rabbitmq-release.sh on that port (a Debian release's
 * RabbitMQ, which only its own CLI can reach), or else the machine's own
 * RabbitMQ when its AMQP listener is that port. Anything else (a container,
 * another host) the run cannot restart, and it says so before it starts
 * rather than stopping some other broker halfway through.
 */
export async function brokerControl(url: string): Promise<BrokerControl> {
  const { hostname, port: portText } = new URL(url);
  const port = Number(portText || 5672);
  const cannot = (why: string) =>
    new Error(
      `The chaos run cannot stop and start the broker at ${hostname}:${port}: ${why}. ` +
        'Run it with --no-server-restarts, or against a broker of this machine.',
    );
  if (!['localhost', '127.0.0.1', '[::1]'].includes(hostname)) throw cannot('it is not on this machine');

  if (await succeeds(RELEASE_SCRIPT, ['status', String(port)])) {
    return {
      describe: `rabbit${port}@localhost of scripts/rabbitmq-release.sh`,
      ctl: async (...args) => void (await run(RELEASE_SCRIPT, ['ctl', String(port), '-q', ...args])),
    };
  }
  const listeners = await run('rabbitmq-diagnostics', ['-q', 'listeners', '--formatter', 'json']).then(
    ({ stdout }) => (JSON.parse(stdout) as { listeners: { protocol: string; port: number }[] }).listeners,
    () => [],
  );
  if (listeners.some((listener) => listener.protocol === 'amqp' && listener.port === port)) {
    return {
      describe: "the machine's RabbitMQ (rabbitmqctl)",
      ctl: async (...args) => void (await run('rabbitmqctl', ['-q', ...args])),
    };
  }
  throw cannot(
    "it is neither a node of scripts/rabbitmq-release.sh nor the machine's RabbitMQ (rabbitmqctl)",
  );
}

function succeeds(file: string, args: string[]): Promise<boolean> {
  return run(file, args).then(
    () => true,
    () => false,
  );
}

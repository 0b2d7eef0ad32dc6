import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AmqpUrls } from '@shared/core/config';

/**
 * The local three-node RabbitMQ cluster of scripts/rabbitmq-cluster.sh, for
 * the tests and the chaos run that need one: node n is rabbit<n>@localhost,
 * AMQP on 5672 + n, guest/guest. Its nodes are the script's own, never the
 * machine's RabbitMQ on 5672. With RABBITMQ_RELEASE (e.g. `forky`) in the
 * environment, the script runs them from that Debian release's RabbitMQ
 * (scripts/rabbitmq-release.sh), as CI does to test on 4.3.
 */
export const CLUSTER_NODES = [1, 2, 3] as const;
export type ClusterNode = (typeof CLUSTER_NODES)[number];

const SCRIPT = join(__dirname, '..', 'scripts', 'rabbitmq-cluster.sh');
const run = promisify(execFile);

export const nodePort = (node: ClusterNode) => 5672 + node;
export const nodeUrl = (node: ClusterNode) => `amqp://guest:guest@localhost:${nodePort(node)}`;

/** Every node's URL, node 1 first: an AMQP_URL for the whole cluster. */
export const clusterUrls = (): AmqpUrls => [nodeUrl(1), nodeUrl(2), nodeUrl(3)];

/** Runs scripts/rabbitmq-cluster.sh; rejects with its output when it fails. */
export async function clusterScript(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(SCRIPT, args, { encoding: 'utf8', timeout: 10 * 60_000 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`scripts/rabbitmq-cluster.sh ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

/** SIGKILL of the node's Erlang VM: no clean shutdown, its connections drop at once. */
export const killNode = (node: ClusterNode) => clusterScript('kill', String(node));

/** Starts the node again and waits until it has booted; it rejoins the cluster and catches up. */
export const restartNode = (node: ClusterNode) => clusterScript('restart', String(node));

/** The nodes this checkout's script runs. */
export async function runningNodes(): Promise<ClusterNode[]> {
  const status = await clusterScript('status');
  return CLUSTER_NODES.filter((node) => status.includes(`rabbit${node}@localhost: running`));
}

/**
 * Makes sure the three nodes run, starting the missing ones with the
 * script (the first start also joins them: a minute or so). `startedHere`
 * says none ran before, so the caller stops the cluster when done and
 * leaves the machine as it found it. Fails, saying why, when a port is
 * taken by something the script does not run (a cluster started from
 * another checkout), or when RabbitMQ is not installed.
 */
export async function ensureCluster(): Promise<{ startedHere: boolean }> {
  const running = await runningNodes();
  if (running.length === CLUSTER_NODES.length) return { startedHere: false };
  for (const node of CLUSTER_NODES.filter((node) => !running.includes(node))) {
    if (await portAnswers(nodePort(node))) {
      throw new Error(
        `Port ${nodePort(node)} is taken, but scripts/rabbitmq-cluster.sh in this checkout does not run rabbit${node}@localhost ` +
          '(a cluster started from another checkout?). Stop that one with its own `scripts/rabbitmq-cluster.sh stop`.',
      );
    }
  }
  await clusterScript('start');
  return { startedHere: running.length === 0 };
}

/** Stops the three nodes (keeping their data), as `scripts/rabbitmq-cluster.sh stop` does. */
export const stopCluster = () => clusterScript('stop');

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

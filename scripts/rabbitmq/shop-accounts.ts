import { loadConfig, messagingVariables, variableName } from '@shared/core/config';
import { type Topology, topologyOf } from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { z } from 'zod';
import { type MonitorAccount, RETRY_TIER_PLACEHOLDER, type ServiceAccount } from './definitions';

/**
 * The shop's RabbitMQ accounts: one user per service (named after it),
 * `admin` for the management UI, `queue-monitor` for KEDA's scaler in
 * Kubernetes, and, in the development file only, `guest` for the tests and
 * `npm start` on the host, which connect as guest/guest.
 */

/** Publishes OrderCompleted, which the consumers consume. */
const CHECKOUT = 'checkout';
/**
 * Drains every service's DLQ into its store and replays from it (the operations service), and
 * counts every queue for the dashboard, which connects as this user. It consumes no queue of its
 * own, so the topology does not name it.
 */
const OPERATIONS = 'operations';

const FULL_ACCESS = [
  { name: 'admin', tags: ['administrator'], developmentOnly: false },
  { name: 'guest', tags: [], developmentOnly: true },
] as const;

/** The full-access accounts of a development file, or of one with passwords of its own (no guest). */
export const fullAccessAccounts = ({ development }: { development: boolean }) =>
  FULL_ACCESS.filter((account) => development || !account.developmentOnly);

/** Reads the length of the work queues KEDA scales the consumers on (deploy/k8s/README.md). */
const QUEUE_MONITOR = 'queue-monitor';

/** RABBITMQ_EMAIL_PASSWORD for `email`, RABBITMQ_QUEUE_MONITOR_PASSWORD for `queue-monitor`, and so on. */
const passwordVariable = (user: string) => `RABBITMQ_${variableName(user)}_PASSWORD`;

/** Development defaults only: `<user>-dev`, and guest's well-known guest. */
const defaultPassword = (user: string) => (user === 'guest' ? 'guest' : `${user}-dev`);

/**
 * The topology the compose stack runs: no QUEUE_PREFIX and the default
 * delivery limit. Each retry queue is named with a placeholder for its tier,
 * which the permissions turn into a pattern.
 */
export function shopTopology(): { topology: Topology; deliveryLimit: number } {
  const { DELIVERY_LIMIT } = loadConfig(messagingVariables, {});
  const topology = topologyOf(SHOP_REGISTRY, {
    prefix: '',
    retryTiers: [{ label: RETRY_TIER_PLACEHOLDER, delayMs: 1 }],
    deliveryLimit: DELIVERY_LIMIT,
  });
  return { topology, deliveryLimit: DELIVERY_LIMIT };
}

/** Every user of the definitions file, services in topology order. */
function accountNames(topology: Topology, { development }: { development: boolean }): string[] {
  return [
    ...fullAccessAccounts({ development }).map(({ name }) => name),
    ...topology.services.map(({ service }) => service),
    OPERATIONS,
    QUEUE_MONITOR,
  ];
}

/** Each user's development password: `<user>-dev`, guest's guest. */
export function developmentPasswords(topology: Topology): Map<string, string> {
  return new Map(accountNames(topology, { development: true }).map((name) => [name, defaultPassword(name)]));
}

/**
 * Each user's password from RABBITMQ_<USER>_PASSWORD. With `fallBackToDevelopment` (the
 * development accounts, guest included), the development default for a variable that is not
 * set; without, every one must be set (and guest is not an account).
 */
export function environmentPasswords(
  topology: Topology,
  { fallBackToDevelopment }: { fallBackToDevelopment: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Map<string, string> {
  const names = accountNames(topology, { development: fallBackToDevelopment });
  const password = (name: string) =>
    fallBackToDevelopment
      ? z.string().default(defaultPassword(name))
      : z.string({ error: 'not set; only the development file has default passwords' }).min(1);
  const config = loadConfig(
    Object.fromEntries(names.map((name) => [passwordVariable(name), password(name)])),
    env,
  );
  return new Map(names.map((name) => [name, String(config[passwordVariable(name)])]));
}

/**
 * The routing keys a service publishes: a consumer its outcome events and
 * its jobs (when due, its replicas publish them); checkout the events the
 * consumers consume (OrderCompleted).
 */
export function publishedBy(service: string): string[] {
  if (service === CHECKOUT) {
    const outcomes = new Set(SHOP_REGISTRY.outcomes.map(({ routingKey }) => routingKey));
    const consumed = SHOP_REGISTRY.entries.flatMap((entry) =>
      entry.consumes.map(({ routingKey }) => routingKey),
    );
    return [...new Set(consumed.filter((type) => !outcomes.has(type)))];
  }
  const outcomes = SHOP_REGISTRY.outcomesOf(service);
  const jobs = SHOP_REGISTRY.entry(service).jobs?.consumes ?? [];
  return [...(outcomes ? [outcomes.completed, outcomes.failed, outcomes.deadLettered] : []), ...jobs].flatMap(
    (contract) => (contract ? [contract.routingKey] : []),
  );
}

/** The service accounts, without their password hashes. */
export function serviceAccounts(topology: Topology): Omit<ServiceAccount, 'passwordHash'>[] {
  return [
    ...topology.services.map(({ service }) => ({ service, publishes: publishedBy(service) })),
    // It publishes no event: a replay goes through the default exchange to a work queue.
    { service: OPERATIONS, publishes: [], operatesDeadLetters: true },
  ];
}

/**
 * The account KEDA's RabbitMQ scaler reads queue lengths with, without its password hash: the
 * work queue of every consumer. Checkout takes HTTP traffic and keeps a fixed replica count, so
 * its queue is left out.
 */
export function queueMonitorAccount(topology: Topology): Omit<MonitorAccount, 'passwordHash'> {
  return {
    name: QUEUE_MONITOR,
    queues: topology.services.filter(({ service }) => service !== CHECKOUT).map(({ workQueue }) => workQueue),
  };
}

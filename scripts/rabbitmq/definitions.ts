import { queueDeclarations, type ServiceQueues, type Topology } from '@shared/messaging';
import { HASHING_ALGORITHM } from './password-hash';

/**
 * A RabbitMQ definitions file for the shop: users, their permissions, and the
 * topology, all derived from the registry's topology. RabbitMQ imports it at
 * boot (`load_definitions`). https://www.rabbitmq.com/docs/definitions
 *
 * Permissions are three regular expressions per user and virtual host, over
 * the names of exchanges and queues: `configure` (declare, delete), `write`
 * (publish to an exchange; be the destination of a binding) and `read`
 * (consume or get from a queue; be the source of a binding). Declaring a
 * queue that has a dead-letter exchange, when the queue does not exist yet,
 * also needs read on the queue and write on that exchange. The default
 * exchange ("") is called `amq.default` in permissions.
 * https://www.rabbitmq.com/docs/access-control#permissions
 */

/** The default exchange's name in permissions. */
export const DEFAULT_EXCHANGE = 'amq.default';

/**
 * A retry tier's label as RETRY_DELAYS allows it (parseRetryDelays:
 * digits, then ms, s, m or h), so a service's permission covers its retry
 * queues whatever delays it is configured with.
 */
const RETRY_TIER_LABEL = '[0-9]+(ms|s|m|h)';

/** Put in place of the tier label when the topology is described, then swapped for RETRY_TIER_LABEL. */
export const RETRY_TIER_PLACEHOLDER = 'TIER';

export interface ServiceAccount {
  /** The service and its RabbitMQ user: one of the topology's services, or the dead letters' operator. */
  service: string;
  passwordHash: string;
  /** The event types (routing keys) it publishes to the events exchange. */
  publishes: string[];
  /**
   * Reads every service's dead-letter queue and replays into any work queue (the operations
   * service's drain and API). Such an account needs no queue of its own in the topology.
   */
  operatesDeadLetters?: boolean;
}

export interface FullAccessAccount {
  name: string;
  passwordHash: string;
  /** `administrator` opens the management UI; no tag keeps a user to AMQP. */
  tags: string[];
}

/** A user that only looks up the length of some queues: KEDA's RabbitMQ scaler (deploy/k8s). */
export interface MonitorAccount {
  name: string;
  passwordHash: string;
  /** The queues whose length it reads. */
  queues: string[];
}

export interface Permissions {
  configure: string;
  write: string;
  read: string;
}

const VHOST = '/';

const escapeRegex = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression matching exactly these names (already escaped), nothing else. */
const exactly = (patterns: string[]) => `^(${[...new Set(patterns)].join('|')})$`;

const retryQueuesOf = (queues: ServiceQueues) =>
  queues.retryQueues.map(({ name }) =>
    escapeRegex(name).replace(escapeRegex(RETRY_TIER_PLACEHOLDER), RETRY_TIER_LABEL),
  );

/**
 * What one service's process does on the broker, and so what it may do.
 * Every process declares the events exchange, every service's work queue,
 * dead-letter exchange and dead-letter queue, and binds them (so an event is
 * never unroutable because its consumer has not started); only its own retry
 * queues; it publishes its events to the events exchange, moves its own
 * failed messages to its retry queues and DLQ through the default exchange,
 * and consumes its own work queue. The topology is in the definitions file
 * too, so every declaration a process makes of another service's queue finds
 * it existing, and needs only `configure` on it: no process needs to read
 * another service's queue. (Creating one would: a queue with a dead-letter
 * exchange is created only by a user that may read it.)
 */
export function servicePermissions(topology: Topology, account: ServiceAccount): Permissions {
  const own = topology.services.find((queues) => queues.service === account.service);
  if (!own && !account.operatesDeadLetters)
    throw new Error(`The topology has no service "${account.service}"`);
  // What a service does with its own queues; the operator of dead letters consumes none.
  const ownRetryQueues = own ? retryQueuesOf(own) : [];
  const events = escapeRegex(topology.eventsExchange);
  const every = (pick: (queues: ServiceQueues) => string) =>
    topology.services.map((queues) => escapeRegex(pick(queues)));
  // The task consumers' queues of broker dead letters to report: declared and bound by every process.
  const reportQueues = () =>
    topology.services.flatMap(({ brokerDeadLetterQueue }) =>
      brokerDeadLetterQueue ? [escapeRegex(brokerDeadLetterQueue)] : [],
    );
  // Every service's work queue and job queue: declared and bound by every process.
  const workQueues = () =>
    topology.services.flatMap((queues) =>
      [queues.workQueue, ...(queues.jobQueue ? [queues.jobQueue.name] : [])].map(escapeRegex),
    );
  return {
    configure: exactly([
      events,
      ...workQueues(),
      ...every((queues) => queues.deadLetterExchange),
      ...every((queues) => queues.deadLetterQueue),
      ...reportQueues(),
      ...ownRetryQueues,
    ]),
    write: exactly([
      // Its events.
      events,
      // Its failed messages into its own retry queues and DLQ, and the operator's replays: the
      // default exchange routes by queue name. Also the dead-letter target of its retry
      // queues, checked when it first declares one.
      escapeRegex(DEFAULT_EXCHANGE),
      // The destinations of the bindings every process (re)declares.
      ...workQueues(),
      ...every((queues) => queues.deadLetterQueue),
      ...reportQueues(),
      // The dead-letter target of its work queue, checked when it declares that queue where it
      // does not exist (deleted by hand): the owner can bring its own work queue back.
      ...(own ? [escapeRegex(own.deadLetterExchange)] : []),
      // Every retry queue, to look them up: the dashboard counts every queue as operations, and a
      // passive declare needs one permission on RabbitMQ 4.2.7 and 4.3.1 on (monitorPermissions
      // says why write is the one that gives nothing else away).
      ...(account.operatesDeadLetters ? topology.services.flatMap(retryQueuesOf) : []),
    ]),
    read: exactly([
      // The sources of those bindings.
      events,
      ...every((queues) => queues.deadLetterExchange),
      // Its own work, its jobs, and the copies of what the broker dead-lettered for it.
      ...(own ? [escapeRegex(own.workQueue)] : []),
      ...(own?.jobQueue ? [escapeRegex(own.jobQueue.name)] : []),
      ...(own?.brokerDeadLetterQueue ? [escapeRegex(own.brokerDeadLetterQueue)] : []),
      // Its retry queues, checked when it first declares one (they dead-letter).
      ...ownRetryQueues,
      ...(account.operatesDeadLetters ? every((queues) => queues.deadLetterQueue) : []),
    ]),
  };
}

/**
 * What a reader of queue lengths may do: look its queues up with a passive declare, which
 * answers with the count of ready messages, and nothing else. A passive declare needs no
 * permission up to RabbitMQ 4.2.5, `configure` in 4.2.6 and 4.3.0, and any one of the three
 * from 4.2.7 and 4.3.1 (rabbitmq/rabbitmq-server#16085, `check_any_resource_access_permitted`
 * in rabbit_channel.erl). Of the three, write is the one that gives nothing else away: on a
 * queue it only lets a user make the queue the destination of a binding, which also needs read
 * on the source exchange, and this user may read nothing. Configure would let it delete the
 * queues, read consume from them. An empty pattern matches no name.
 */
export function monitorPermissions(account: Pick<MonitorAccount, 'queues'>): Permissions {
  return { configure: '', write: exactly(account.queues.map(escapeRegex)), read: '' };
}

/**
 * The definitions file: the full-access accounts, one user per service with
 * its permissions and the routing keys it may publish (topic permissions on
 * the events exchange), the queue-length readers, and the topology without the retry queues (their
 * names follow each process's RETRY_DELAYS; the owner declares them).
 */
export function buildDefinitions(
  topology: Topology,
  deliveryLimit: number,
  services: ServiceAccount[],
  fullAccess: FullAccessAccount[],
  monitors: MonitorAccount[] = [],
) {
  const user = (name: string, passwordHash: string, tags: string[]) => ({
    name,
    password_hash: passwordHash,
    hashing_algorithm: HASHING_ALGORITHM,
    tags,
    limits: {},
  });
  const everything: Permissions = { configure: '.*', write: '.*', read: '.*' };
  const persistent = { vhost: VHOST, durable: true, auto_delete: false };

  return {
    users: [
      ...fullAccess.map(({ name, passwordHash, tags }) => user(name, passwordHash, tags)),
      ...services.map(({ service, passwordHash }) => user(service, passwordHash, [])),
      ...monitors.map(({ name, passwordHash }) => user(name, passwordHash, [])),
    ],
    vhosts: [{ name: VHOST }],
    permissions: [
      ...fullAccess.map(({ name }) => ({ user: name, vhost: VHOST, ...everything })),
      ...services.map((account) => ({
        user: account.service,
        vhost: VHOST,
        ...servicePermissions(topology, account),
      })),
      ...monitors.map((account) => ({ user: account.name, vhost: VHOST, ...monitorPermissions(account) })),
    ],
    // Topic permissions check the routing key of every publish to a topic exchange: a service
    // may publish only its own events. Read is checked when binding; every process binds every
    // work queue. https://www.rabbitmq.com/docs/access-control#topic-authorisation
    topic_permissions: services.map(({ service, publishes }) => ({
      user: service,
      vhost: VHOST,
      exchange: topology.eventsExchange,
      write: exactly(publishes.map(escapeRegex)),
      read: '.*',
    })),
    exchanges: [
      { name: topology.eventsExchange, type: 'topic', ...persistent, internal: false, arguments: {} },
      ...topology.services.map((queues) => ({
        name: queues.deadLetterExchange,
        type: 'fanout',
        ...persistent,
        internal: false,
        arguments: {},
      })),
    ],
    queues: topology.services.flatMap((queues) =>
      queueDeclarations(queues, deliveryLimit)
        .filter((declaration) => !queues.retryQueues.some((retry) => retry.name === declaration.name))
        .map((declaration) => ({ name: declaration.name, ...persistent, arguments: declaration.arguments })),
    ),
    bindings: topology.services.flatMap((queues) => [
      ...queues.routingKeys.map((routingKey) => ({
        source: topology.eventsExchange,
        vhost: VHOST,
        destination: queues.workQueue,
        destination_type: 'queue',
        routing_key: routingKey,
        arguments: {},
      })),
      ...(queues.jobQueue?.routingKeys ?? []).map((routingKey) => ({
        source: topology.eventsExchange,
        vhost: VHOST,
        destination: queues.jobQueue?.name,
        destination_type: 'queue',
        routing_key: routingKey,
        arguments: {},
      })),
      ...[
        queues.deadLetterQueue,
        ...(queues.brokerDeadLetterQueue ? [queues.brokerDeadLetterQueue] : []),
      ].map((destination) => ({
        source: queues.deadLetterExchange,
        vhost: VHOST,
        destination,
        destination_type: 'queue',
        routing_key: '',
        arguments: {},
      })),
    ]),
  };
}

export type Definitions = ReturnType<typeof buildDefinitions>;

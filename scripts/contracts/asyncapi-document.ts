import { loadConfig, messagingVariables } from '@shared/core/config';
import type { Registry } from '@shared/messaging';
import {
  type EventContract,
  envelopeSchema,
  HEADERS,
  queueDeclarations,
  type ServiceQueues,
  topologyOf,
} from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { z } from 'zod';

/**
 * The AsyncAPI 3.0 document of the shop's messaging, generated from the event
 * contracts (their zod schemas) and the registry's topology with the default
 * configuration (no QUEUE_PREFIX, the default RETRY_DELAYS and
 * DELIVERY_LIMIT): every event and version, the exchange and routing keys,
 * each service's queues with the exact arguments they are declared with.
 * The AMQP bindings have no field for retry tiers and dead-lettering, so
 * those are `x-` extensions on each work queue's channel.
 * https://www.asyncapi.com/docs/reference/specification/v3.0.0
 * https://github.com/asyncapi/bindings/tree/master/amqp
 */

const AMQP_BINDING_VERSION = '0.3.0';
const VHOST = '/';
const SECURITY_SCHEME = 'amqpUser';

type JsonObject = Record<string, unknown>;

export function asyncApiDocument(registry: Registry = SHOP_REGISTRY): JsonObject {
  const config = loadConfig(messagingVariables, {});
  const topology = topologyOf(registry, {
    prefix: config.QUEUE_PREFIX,
    retryTiers: config.RETRY_DELAYS,
    deliveryLimit: config.DELIVERY_LIMIT,
  });
  const events = everyEvent(registry);
  const messageId = (contract: EventContract) => `${contract.type}.v${contract.version}`;
  const channelMessages = (contracts: readonly EventContract[]) =>
    Object.fromEntries(
      contracts.map((contract) => [
        messageId(contract),
        { $ref: `#/components/messages/${messageId(contract)}` },
      ]),
    );
  const operationMessages = (channel: string, contracts: readonly EventContract[]) =>
    contracts.map((contract) => ({ $ref: `#/channels/${channel}/messages/${messageId(contract)}` }));

  const channels: JsonObject = {};
  const operations: JsonObject = {};
  /** The queues bound to a routing key, as a phrase. */
  const boundQueues = (routingKey: string) => {
    const queues = topology.services.flatMap(({ workQueue, routingKeys, jobQueue }) => [
      ...(routingKeys.includes(routingKey) ? [workQueue] : []),
      ...(jobQueue?.routingKeys.includes(routingKey) ? [jobQueue.name] : []),
    ]);
    return queues.length > 0 ? queues.join(', ') : 'none';
  };

  // One channel per routing key on the events exchange: what a producer publishes to.
  for (const contract of events) {
    const channel = contract.routingKey;
    channels[channel] = {
      address: contract.routingKey,
      title: `${contract.type} on ${topology.eventsExchange}`,
      description: `${contract.type} events on the ${topology.eventsExchange} topic exchange, whose routing key is the event type. Queues bound to it: ${boundQueues(contract.routingKey)}.`,
      messages: channelMessages(events.filter((candidate) => candidate.routingKey === contract.routingKey)),
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: {
            name: topology.eventsExchange,
            type: 'topic',
            durable: true,
            autoDelete: false,
            vhost: VHOST,
          },
          bindingVersion: AMQP_BINDING_VERSION,
        },
      },
    };
    operations[`publish.${contract.type}.v${contract.version}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channel}` },
      summary: `${producerOf(contract)} publishes ${contract.type} v${contract.version}`,
      description: `${contract.summary}. ${producerOf(contract)} publishes it to ${topology.eventsExchange} with routing key ${contract.routingKey}, persistent and mandatory: an event no queue would receive is refused rather than dropped, and a publish counts only once RabbitMQ confirms it. Queues bound to it: ${boundQueues(contract.routingKey)}.`,
      tags: [tagOf(producerOf(contract))],
      messages: operationMessages(channel, [contract]),
      bindings: {
        amqp: { deliveryMode: 2, mandatory: true, bindingVersion: AMQP_BINDING_VERSION },
      },
    };
  }

  // One channel per queue a service consumes: its work queue, and its job queue if it has jobs.
  for (const queues of topology.services) {
    const entry = registry.entry(queues.service);
    const consumed = [
      {
        queue: queues.workQueue,
        routingKeys: queues.routingKeys,
        contracts: entry.consumes,
        kind: 'work',
        does: entry.description,
      },
      ...(queues.jobQueue && entry.jobs
        ? [
            {
              ...queues.jobQueue,
              queue: queues.jobQueue.name,
              contracts: entry.jobs.consumes,
              kind: 'jobs',
              does: entry.jobs.description,
            },
          ]
        : []),
    ];
    const declarations = queueDeclarations(queues, topology.deliveryLimit);
    for (const { queue, routingKeys, contracts, kind, does } of consumed) {
      const title = `${queues.service}'s ${kind === 'work' ? 'work' : 'job'} queue`;
      channels[queue] = {
        address: queue,
        title,
        description: `${title}, a quorum queue bound to ${topology.eventsExchange} for ${routingKeys.join(', ')}. Every replica of ${queues.service} consumes it; its retry queues and dead-letter queue are in \`x-retry-tiers\` and \`x-dead-letter\`.`,
        messages: channelMessages(contracts),
        bindings: { amqp: queueBinding(queue) },
        'x-queue-arguments': declarations.find((declaration) => declaration.name === queue)?.arguments,
        'x-bound-to': { exchange: topology.eventsExchange, routingKeys },
        ...deadLettering(queues, declarations),
      };
      operations[`${queues.service}.consume.${queue}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${queue}` },
        summary: `${queues.service} consumes ${queue}`,
        description: [does, delivery(queues, kind === 'work' && entry.task !== undefined)]
          .filter(Boolean)
          .join(' '),
        tags: [tagOf(queues.service)],
        messages: operationMessages(queue, contracts),
        bindings: { amqp: { ack: true, bindingVersion: AMQP_BINDING_VERSION } },
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Event-driven checkout: events',
      version: '1.0.0',
      description:
        'Every event of the shop in its envelope, on one topic exchange with the event type as routing key, and every queue a service consumes, with its retry tiers and dead-letter queue. Generated from the event contracts (contracts/src/events) and the registry (contracts/src/registry) with the default configuration; `npm run contracts:check` fails when it is out of date.',
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      tags: services(registry, events).map(tagOf),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'RabbitMQ (AMQP_URL)',
        security: [{ $ref: `#/components/securitySchemes/${SECURITY_SCHEME}` }],
      },
    },
    channels,
    operations,
    components: {
      messages: Object.fromEntries(events.map((contract) => [messageId(contract), message(contract)])),
      tags: Object.fromEntries(
        services(registry, events).map((service) => [
          service,
          { name: service, description: `What ${service} publishes and consumes` },
        ]),
      ),
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'userPassword',
          description:
            'The user and password of AMQP_URL. In the compose stack each service logs in as a user of its own, allowed on the broker only what that service does (deploy/rabbitmq/README.md); on a development machine, guest/guest.',
        },
      },
    },
  };
}

/** Every event the registry names: consumed, consumed as jobs, and every task's outcomes. */
function everyEvent(registry: Registry): EventContract[] {
  const contracts = [
    ...registry.entries.flatMap((entry) => [...entry.consumes, ...(entry.jobs?.consumes ?? [])]),
    ...registry.outcomes,
  ];
  const unique = new Map(contracts.map((contract) => [`${contract.type}.v${contract.version}`, contract]));
  return [...unique.values()].sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}

/** The producer of an event is its type's first part (`producer.entity.event`). */
const producerOf = (contract: EventContract) => contract.type.split('.')[0] ?? contract.type;

/** Operations are tagged by service, each tag described once under components. */
const tagOf = (service: string) => ({ $ref: `#/components/tags/${service}` });

/** Every service that publishes or consumes, in the registry's order, then producers it does not list. */
function services(registry: Registry, events: readonly EventContract[]): string[] {
  return [...new Set([...registry.entries.map((entry) => entry.service), ...events.map(producerOf)])];
}

/** How a consumer settles each message: the same for every queue, from the messaging runtime. */
function delivery(queues: ServiceQueues, reportsOutcomes: boolean): string {
  const tiers = queues.retryQueues.map(({ tier }) => tier.label).join(', ');
  return `Manual acknowledgement: a message is acknowledged only once it is handled${reportsOutcomes ? ' and its completed event confirmed by RabbitMQ' : ''}, or once the queue it moves to has confirmed it, so a crash loses nothing and at worst delivers it again. A failed attempt waits in the retry queues (${tiers}), then tries again; after the last, or at once for a permanent error, a message that does not match its contract or a crash loop, it moves to ${queues.deadLetterQueue}, which the operations service drains into its dead-letter store for an operator to replay or discard.`;
}

function queueBinding(queue: string) {
  return {
    is: 'queue',
    queue: { name: queue, durable: true, exclusive: false, autoDelete: false, vhost: VHOST },
    bindingVersion: AMQP_BINDING_VERSION,
  };
}

/** Retry tiers and the dead-letter queue of a service, which AMQP bindings cannot express. */
function deadLettering(queues: ServiceQueues, declarations: ReturnType<typeof queueDeclarations>) {
  const argumentsOf = (name: string) =>
    declarations.find((declaration) => declaration.name === name)?.arguments;
  return {
    'x-retry-tiers': queues.retryQueues.map(({ tier, name }) => ({
      queue: name,
      delay: tier.label,
      arguments: argumentsOf(name),
    })),
    'x-dead-letter': {
      exchange: { name: queues.deadLetterExchange, type: 'fanout', durable: true },
      queue: { name: queues.deadLetterQueue, arguments: argumentsOf(queues.deadLetterQueue) },
      ...(queues.brokerDeadLetterQueue
        ? {
            reports: {
              name: queues.brokerDeadLetterQueue,
              arguments: argumentsOf(queues.brokerDeadLetterQueue),
            },
          }
        : {}),
    },
  };
}

/** An event at one version: its envelope with its own type, version and data. */
function message(contract: EventContract): JsonObject {
  const payload = envelopeSchema.extend({
    type: z.literal(contract.type),
    version: z.literal(contract.version),
    data: contract.data,
  });
  return {
    name: contract.type,
    title: `${contract.type} v${contract.version}`,
    summary: contract.summary,
    description: contract.description,
    contentType: 'application/json',
    headers: schema(
      z.object({
        [HEADERS.correlationId]: z
          .string()
          .meta({ description: 'The id of the request that caused the event' }),
        [HEADERS.traceparent]: z.string().optional().meta({ description: 'W3C trace context' }),
      }),
    ),
    payload: schema(payload),
    bindings: {
      amqp: { messageType: contract.type, bindingVersion: AMQP_BINDING_VERSION },
    },
    'x-version': contract.version,
  };
}

/**
 * A zod schema as JSON Schema draft 07, which AsyncAPI's default schema format
 * extends. The input side: what a consumer must accept (unknown fields are
 * dropped, so a version may gain optional ones).
 */
function schema(zodSchema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(zodSchema, {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  });
  return converted;
}

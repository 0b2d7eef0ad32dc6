import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { loadConfig, messagingVariables } from '@shop/shared/config';
import { type EventContract, envelopeSchema } from '@shop/shared/events';
import { HEADERS, queueDeclarations, type ServiceQueues, topologyOf } from '@shop/shared/messaging';
import type { Registry } from '@shop/shared/registry';
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

  // One channel per routing key on the events exchange: what a producer publishes to.
  for (const contract of events) {
    const channel = contract.routingKey;
    channels[channel] = {
      address: contract.routingKey,
      title: `${contract.type} on ${topology.eventsExchange}`,
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
      { queue: queues.workQueue, routingKeys: queues.routingKeys, contracts: entry.consumes, kind: 'work' },
      ...(queues.jobQueue && entry.jobs
        ? [{ ...queues.jobQueue, queue: queues.jobQueue.name, contracts: entry.jobs.consumes, kind: 'jobs' }]
        : []),
    ];
    const declarations = queueDeclarations(queues, topology.deliveryLimit);
    for (const { queue, routingKeys, contracts, kind } of consumed) {
      channels[queue] = {
        address: queue,
        title: `${queues.service}'s ${kind === 'work' ? 'work' : 'job'} queue`,
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
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: 'RabbitMQ (AMQP_URL)',
      },
    },
    channels,
    operations,
    components: {
      messages: Object.fromEntries(events.map((contract) => [messageId(contract), message(contract)])),
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
const producerOf = (contract: EventContract) => contract.type.split('.')[0];

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

import { randomUUID } from 'node:crypto';
import {
  Broker,
  createEvent,
  defineEvent,
  defineRegistry,
  HEADERS,
  inboxFor,
  OutcomeReporter,
  type Topology,
  topologyOf,
} from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { z } from 'zod';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  sleep,
  testLogger,
  testTopology,
  tiers,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/** A job of the worker's (a reminder it scheduled for itself), and a registry where the worker's work is a task. */
const ReminderDueV1 = defineEvent({
  type: 'worker.reminder.due',
  version: 1,
  summary: 'A reminder fell due',
  description: "The test worker's job",
  data: z.object({ orderId: z.uuid() }),
});
const WorkDoneV1 = defineEvent({
  type: 'worker.work.done',
  version: 1,
  summary: "The worker's task is done",
  description: "The test worker's completed task",
  data: z.object({ orderId: z.uuid(), attempt: z.number().int().positive() }),
});
const registryWithJobs = defineRegistry({
  subject: { key: 'orderId', schema: z.uuid() },
  consumers: {
    worker: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      task: 'work',
      completed: WorkDoneV1,
      jobs: { queue: 'jobs', consumes: [ReminderDueV1] },
    },
  },
  projector: { service: 'shop', queue: 'task-outcomes' },
});

/** The inbox makes a handler's database effect happen once per event, however often it is delivered. */
describe('inbox', () => {
  let prisma: PrismaClient;

  const countEffects = async (orderId: string) =>
    (
      await prisma.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM inbox_effects WHERE order_id = ${orderId}::uuid`
    )[0]!.count;

  /** A worker whose handler writes one effect through the inbox and records, per delivery, whether it was a duplicate. */
  async function recordingWorker(topology: Topology) {
    const broker = await Broker.connect({
      url: amqpUrl(),
      topology,
      service: 'worker',
      logger: testLogger(),
    });
    const outcomes: boolean[] = [];
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      inbox: { db: prisma, schema: 'inventory' },
      handler: async (event, { inbox }) => {
        const { duplicate } = await inbox.once(
          (tx) => tx.$executeRaw`INSERT INTO inbox_effects (order_id) VALUES (${event.data.orderId}::uuid)`,
        );
        outcomes.push(duplicate);
      },
    });
    return { broker, outcomes };
  }

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl());
    await prisma.$executeRawUnsafe(
      'CREATE TABLE IF NOT EXISTS inbox_effects (order_id uuid NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())',
    );
  });

  afterAll(() => prisma.$disconnect());

  test('When the same event is delivered twice, then the handler runs twice and the database changes once', async () => {
    const topology: Topology = testTopology(uniquePrefix('inbox'), [
      { service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    const { broker, outcomes } = await recordingWorker(topology);
    const event = anOrderCompletedEvent();

    await broker.publish(event);
    await waitFor('the first delivery handled', () => outcomes.length === 1);
    await broker.publish(event);
    await waitFor('the second delivery handled', () => outcomes.length === 2);

    expect(outcomes).toEqual([false, true]);
    expect(await countEffects(event.data.orderId)).toBe(1);
    await broker.close();
    const inspector = await QueueInspector.open();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When an event already handled comes back more often than the delivery limit (its acks lost), then it is not parked: it runs as a duplicate and is acked', async () => {
    const topology: Topology = testTopology(
      uniquePrefix('inbox-returns'),
      [{ service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
      { deliveryLimit: 5 },
    );
    const [queues] = topology.services;
    const { broker, outcomes } = await recordingWorker(topology);
    const inspector = await QueueInspector.open();
    try {
      const handled = anOrderCompletedEvent();
      const neverHandled = anOrderCompletedEvent();
      await broker.publish(handled);
      await waitFor('the first delivery handled', () => outcomes.length === 1);

      // The same event as the queue hands it out after five returns, one the inbox has never
      // seen, and the handled one again after ten returns (a handler that kills the process even
      // on a duplicate).
      for (const [event, returns] of [
        [handled, 5],
        [neverHandled, 5],
        [handled, 10],
      ] as const) {
        inspector.channel.sendToQueue(queues!.workQueue, Buffer.from(JSON.stringify(event)), {
          messageId: event.id,
          persistent: true,
          headers: { [HEADERS.deliveryCount]: returns },
        });
      }

      // The one never handled and the one back ten times are parked without running; the handled one runs again.
      const parked = await inspector.take(queues!.deadLetterQueue, 2);
      expect(parked.map(({ properties }) => properties.messageId).sort()).toEqual(
        [neverHandled.id, handled.id].sort(),
      );
      await waitFor('the returned delivery handled', () => outcomes.length === 2);
      expect(outcomes).toEqual([false, true]);
      await waitFor('the work queue empty', async () => (await inspector.depth(queues!.workQueue)) === 0);
      expect(await inspector.depth(queues!.deadLetterQueue)).toBe(0);
      expect(await countEffects(handled.data.orderId)).toBe(1);
    } finally {
      await broker.close();
      await inspector.deleteTopology(topology);
      await inspector.close();
    }
  });

  test('When a job already handled comes back more often than the delivery limit, then it runs as a duplicate and is acked, and a job parked for it is no task outcome', async () => {
    const topology = topologyOf(registryWithJobs, {
      prefix: uniquePrefix('inbox-jobs'),
      retryTiers: tiers('200ms'),
      deliveryLimit: 5,
    });
    const queues = topology.services.find(({ service }) => service === 'worker')!;
    const outcomesQueue = topology.services.find(({ service }) => service === 'shop')!.workQueue;
    const broker = await Broker.connect({
      url: amqpUrl(),
      topology,
      service: 'worker',
      logger: testLogger(),
    });
    const inspector = await QueueInspector.open();
    const jobRuns: boolean[] = [];
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      inbox: { db: prisma, schema: 'inventory' },
      reporter: new OutcomeReporter(registryWithJobs, 'worker'),
      handler: async () => ({}),
      jobs: {
        contracts: [ReminderDueV1],
        handler: async (job, { inbox }) => {
          const { orderId } = job.data as { orderId: string };
          const { duplicate } = await inbox.once(
            (tx) => tx.$executeRaw`INSERT INTO inbox_effects (order_id) VALUES (${orderId}::uuid)`,
          );
          jobRuns.push(duplicate);
        },
      },
    });
    try {
      const reminder = () =>
        createEvent(ReminderDueV1, { orderId: randomUUID() }, { correlationId: 'inbox-jobs' });
      const handled = reminder();
      const neverHandled = reminder();
      await broker.publish(handled);
      await waitFor('the job handled', () => jobRuns.length === 1);

      for (const job of [handled, neverHandled]) {
        inspector.channel.sendToQueue(queues.jobQueue!.name, Buffer.from(JSON.stringify(job)), {
          messageId: job.id,
          persistent: true,
          headers: { [HEADERS.deliveryCount]: 5 },
        });
      }

      const parked = await inspector.take(queues.deadLetterQueue, 1);
      expect(parked.map(({ properties }) => properties.messageId)).toEqual([neverHandled.id]);
      await waitFor('the returned job handled', () => jobRuns.length === 2);
      expect(jobRuns).toEqual([false, true]);
      await waitFor('the job queue empty', async () => (await inspector.depth(queues.jobQueue!.name)) === 0);
      expect(await inspector.depth(queues.deadLetterQueue)).toBe(0);
      expect(await countEffects(handled.data.orderId)).toBe(1);
      // A report would follow its park at once; none comes, for a job is not a task.
      await sleep(500);
      expect(await inspector.depth(outcomesQueue)).toBe(0);
    } finally {
      await broker.close();
      await inspector.deleteTopology(topology);
      await inspector.close();
    }
  });

  test('When two deliveries of one event race, then exactly one effect commits', async () => {
    const event = anOrderCompletedEvent();
    const effect = () =>
      inboxFor(prisma, 'inventory', event, 5_000).once(async (tx) => {
        await tx.$executeRaw`INSERT INTO inbox_effects (order_id) VALUES (${event.data.orderId}::uuid)`;
        // Hold the transaction open so the other delivery has to wait on the inbox row.
        await new Promise((resolve) => setTimeout(resolve, 200));
      });

    const results = await Promise.all([effect(), effect(), effect()]);

    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await countEffects(event.data.orderId)).toBe(1);
  });

  test('When the effect fails, then the inbox record rolls back with it and a redelivery does the work', async () => {
    const event = anOrderCompletedEvent();
    await expect(
      inboxFor(prisma, 'inventory', event, 5_000).once(async (tx) => {
        await tx.$executeRaw`INSERT INTO inbox_effects (order_id) VALUES (${event.data.orderId}::uuid)`;
        throw new Error('the effect failed half-way');
      }),
    ).rejects.toThrow('the effect failed half-way');
    expect(await countEffects(event.data.orderId)).toBe(0);

    const retry = await inboxFor(prisma, 'inventory', event, 5_000).once(
      (tx) => tx.$executeRaw`INSERT INTO inbox_effects (order_id) VALUES (${event.data.orderId}::uuid)`,
    );
    expect(retry.duplicate).toBe(false);
    expect(await countEffects(event.data.orderId)).toBe(1);
  });
});

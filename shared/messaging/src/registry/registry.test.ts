import { z } from 'zod';
import { createEvent, defineEvent } from '../events';
import { HEADERS } from '../headers';
import { attemptStarting, OutcomeReporter } from '../outcomes';
import { topologyOf } from '../topology';
import { defineRegistry } from './registry';
import { attemptFields } from './task-outcomes';

const Placed = defineEvent({
  type: 'shop.order.placed',
  version: 1,
  summary: 'An order was placed',
  description: 'The event every consumer of this test registry takes',
  data: z.object({ orderId: z.string(), total: z.number() }),
});
const Shipped = defineEvent({
  type: 'warehouse.parcel.shipped',
  version: 1,
  summary: "The order's parcel was shipped",
  description: "The warehouse's completed task",
  data: z.object({ orderId: z.string(), ...attemptFields, carrier: z.string() }),
});

const registry = defineRegistry({
  subject: { key: 'orderId', schema: z.string().min(1) },
  consumers: {
    warehouse: { queue: 'order-placed', consumes: [Placed], task: 'parcel', completed: Shipped },
    'audit-log': { queue: 'order-placed', consumes: [Placed] },
  },
  projector: { service: 'shop', queue: 'task-outcomes' },
});

describe('service registry', () => {
  test('When a registry is read, then every consumer has its queue, its inbox schema, and the projector comes last consuming every outcome', () => {
    expect(registry.entries.map(({ service, inbox }) => [service, inbox])).toEqual([
      ['warehouse', 'warehouse'],
      ['audit-log', 'audit_log'],
      ['shop', 'shop'],
    ]);
    expect(registry.tasks).toEqual([{ service: 'warehouse', task: 'parcel' }]);
    expect(registry.entry('shop').consumes.map((contract) => contract.type)).toEqual([
      'warehouse.parcel.shipped',
      'warehouse.task.failed',
      'warehouse.task.dead-lettered',
    ]);
  });

  test('When the topology is derived, then each consumer gets a work queue bound to what it consumes, its tiers and its DLQ', () => {
    const topology = topologyOf(registry, {
      prefix: 't.',
      retryTiers: [{ label: '1s', delayMs: 1_000 }],
      deliveryLimit: 5,
    });

    expect(
      topology.services.map(({ workQueue, routingKeys, deadLetterQueue, retryQueues }) => ({
        workQueue,
        routingKeys,
        deadLetterQueue,
        retry: retryQueues.map(({ name }) => name),
      })),
    ).toEqual([
      {
        workQueue: 't.warehouse.order-placed',
        routingKeys: ['shop.order.placed'],
        deadLetterQueue: 't.warehouse.dlq',
        retry: ['t.warehouse.retry.1s'],
      },
      {
        workQueue: 't.audit-log.order-placed',
        routingKeys: ['shop.order.placed'],
        deadLetterQueue: 't.audit-log.dlq',
        retry: ['t.audit-log.retry.1s'],
      },
      {
        workQueue: 't.shop.task-outcomes',
        routingKeys: ['warehouse.parcel.shipped', 'warehouse.task.failed', 'warehouse.task.dead-lettered'],
        deadLetterQueue: 't.shop.dlq',
        retry: ['t.shop.retry.1s'],
      },
    ]);
  });

  const attempt = (number: number, startedAt = new Date()) => ({ attempt: number, startedAt });

  test('When outcomes are reported, then each carries the subject, the attempt and its times, and reads back as the same task', () => {
    const placed = createEvent(Placed, { orderId: 'order-7', total: 12 }, { correlationId: 'c-1' });
    const reporter = new OutcomeReporter(registry, 'warehouse');
    const startedAt = new Date(Date.now() - 1_500);

    const completed = reporter.completed(placed, attempt(2, startedAt), { carrier: 'post' })!;
    const failed = reporter.failed(placed, attempt(1), 'timeout', '1s')!;
    const parked = reporter.deadLettered(placed, attempt(3), 'no address', 'permanent-error')!;

    expect(completed.correlationId).toBe('c-1');
    const read = registry.readOutcome(completed)!;
    expect(read).toEqual({
      service: 'warehouse',
      task: 'parcel',
      subject: 'order-7',
      kind: 'completed',
      attempt: 2,
      startedAt: startedAt.toISOString(),
      finishedAt: expect.any(String),
      detail: { carrier: 'post' },
    });
    expect(Date.parse(read.finishedAt!)).toBeGreaterThanOrEqual(startedAt.getTime() + 1_500);
    expect(registry.readOutcome(failed)).toMatchObject({
      kind: 'failed',
      attempt: 1,
      error: 'timeout',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      detail: { retryIn: '1s' },
    });
    expect(registry.readOutcome(parked)).toMatchObject({
      kind: 'dead-lettered',
      error: 'no address',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      detail: { reason: 'permanent-error' },
    });
  });

  test('When an outcome event from before the attempt times arrives, then it still parses and reads back without them', () => {
    const failed = registry.outcomesOf('warehouse')!.failed;
    const old = createEvent(
      failed,
      { orderId: 'order-10', attempt: 1, error: 'timeout', retryIn: '1s' },
      { correlationId: 'c-4' },
    );

    expect(failed.data.safeParse(old.data).success).toBe(true);
    const read = registry.readOutcome(old)!;
    expect(read).toMatchObject({ kind: 'failed', attempt: 1, error: 'timeout' });
    expect(read).not.toHaveProperty('startedAt');
  });

  test('When a message was replayed from the DLQ after 4 attempts, then its attempts are numbered on from 5', () => {
    expect(attemptStarting({}).attempt).toBe(1);
    expect(attemptStarting({ [HEADERS.attempt]: 3 }).attempt).toBe(3);
    expect(attemptStarting({ [HEADERS.attempt]: 1, [HEADERS.priorAttempts]: 4 }).attempt).toBe(5);
    expect(attemptStarting({ [HEADERS.attempt]: 2, [HEADERS.priorAttempts]: 4 }).attempt).toBe(6);
  });

  test('When a consumer has no task, then nothing is reported about its work', () => {
    const placed = createEvent(Placed, { orderId: 'order-8', total: 1 }, { correlationId: 'c-2' });

    expect(new OutcomeReporter(registry, 'audit-log').completed(placed, attempt(1), {})).toBeUndefined();
    expect(registry.readOutcome(placed)).toBeUndefined();
  });

  test('When a handler result does not fit the completed event, then the report is refused rather than published', () => {
    const placed = createEvent(Placed, { orderId: 'order-9', total: 1 }, { correlationId: 'c-3' });

    expect(() =>
      new OutcomeReporter(registry, 'warehouse').completed(placed, attempt(1), { carrier: 42 }),
    ).toThrow();
  });

  test('When a name cannot be a queue or schema name, then the registry refuses it', () => {
    expect(() =>
      defineRegistry({
        subject: { key: 'orderId', schema: z.string() },
        consumers: { 'Bad Name': { queue: 'x', consumes: [Placed] } },
      }),
    ).toThrow('Service name "Bad Name"');
  });
});

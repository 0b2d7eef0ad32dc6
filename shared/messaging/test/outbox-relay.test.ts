import { randomUUID } from 'node:crypto';
import { registry } from '@shared/core/metrics';
import type { EventEnvelope } from '@shared/messaging';
import { type EventPublisher, OutboxBacklog, OutboxRelay } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { databaseUrl, sleep, testLogger, waitFor } from '../../../test/support';

/**
 * The outbox relay against a real outbox table and a stand-in broker whose
 * state the test sets: blocked by a resource alarm, or refusing one event
 * for good.
 */

class StandInBroker implements EventPublisher {
  canPublish = true;
  readonly published: string[] = [];
  readonly attempts = new Map<string, number>();
  /** Events this broker refuses every time (a poison row). */
  readonly refused = new Set<string>();

  async publish(event: EventEnvelope) {
    this.attempts.set(event.id, (this.attempts.get(event.id) ?? 0) + 1);
    if (this.refused.has(event.id)) throw new Error('no queue received the message');
    this.published.push(event.id);
  }
}

describe('outbox relay', () => {
  let prisma: PrismaClient;
  const table = `relay_${randomUUID().replaceAll('-', '').slice(0, 12)}.outbox`;
  const schema = table.split('.')[0]!;
  const relays: OutboxRelay[] = [];

  const insert = async (count: number) => {
    const events = Array.from({ length: count }, () => anOrderCompletedEvent());
    for (const event of events) {
      await prisma.$executeRawUnsafe(
        `INSERT INTO ${table} (id, type, payload) VALUES ($1::uuid, $2, $3::jsonb)`,
        event.id,
        event.type,
        JSON.stringify(event),
      );
    }
    return events;
  };
  const row = async (id: string) =>
    (
      await prisma.$queryRawUnsafe<
        { attempts: number; published: boolean; parked: boolean; last_error: string }[]
      >(
        `SELECT attempts, published_at IS NOT NULL AS published, parked_at IS NOT NULL AS parked, last_error
         FROM ${table} WHERE id = $1::uuid`,
        id,
      )
    )[0]!;
  const start = (broker: StandInBroker, maxAttempts?: number) => {
    const relay = new OutboxRelay(prisma, broker, testLogger(), {
      table,
      pollMs: 50,
      batchSize: 10,
      markDelayMs: 5,
      ...(maxAttempts ? { maxAttempts } : {}),
    });
    relays.push(relay);
    relay.start();
    return relay;
  };

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl(), { poolSize: 3 });
    await prisma.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
    await prisma.$executeRawUnsafe(`CREATE TABLE ${table} (LIKE checkout.outbox INCLUDING ALL)`);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });

  afterAll(async () => {
    await prisma.$executeRawUnsafe(`DROP SCHEMA ${schema} CASCADE`);
    await prisma.$disconnect();
  });

  test('When the broker blocks publishers, then the relay claims and publishes nothing until it unblocks, then everything once', async () => {
    const broker = new StandInBroker();
    broker.canPublish = false;
    const events = await insert(3);

    start(broker);
    await sleep(500);

    expect(broker.attempts.size).toBe(0);
    for (const event of events) expect(await row(event.id)).toMatchObject({ attempts: 0, published: false });

    broker.canPublish = true;
    await waitFor('every row published and marked', async () => {
      const rows = await Promise.all(events.map((event) => row(event.id)));
      return rows.every((candidate) => candidate.published);
    });
    expect([...broker.attempts.values()]).toEqual([1, 1, 1]);
  });

  test('When a row fails to publish its maximum number of times, then it is parked with its reason, tried no more, and the backlog stops counting it', async () => {
    const broker = new StandInBroker();
    const [poison, healthy] = await insert(2);
    broker.refused.add(poison!.id);
    const backlog = new OutboxBacklog(prisma, table, 100);

    start(broker, 3);
    await waitFor('the poison row parked', async () => (await row(poison!.id)).parked, 10_000);
    await sleep(1_200);

    expect(await row(poison!.id)).toMatchObject({
      attempts: 3,
      published: false,
      parked: true,
      last_error: 'no queue received the message',
    });
    expect(broker.attempts.get(poison!.id)).toBe(3);
    expect(await row(healthy!.id)).toMatchObject({ published: true });
    expect(await backlog.waiting()).toBe(0);
    expect(await backlog.parked()).toBe(1);
    expect(await registry.getSingleMetricAsString('shop_outbox_parked')).toContain('shop_outbox_parked 1');
  });
});

import { Broker, HEADERS } from '@shared/messaging';
import { DeadLetterDrain, type DeadLetterStore, DeadLetters } from '@shared/operations';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { amqpUrl, sleep, testLogger, testTopology, uniquePrefix, waitFor } from '../../../test/support';
import {
  deadLetters,
  dlqOf,
  events,
  inspector,
  park,
  parkedIn,
  prisma,
  publishParked,
  store,
  useDeadLetterStore,
} from './dead-letters-fixture';

/**
 * The drain that moves parked messages from each DLQ into the dead-letter
 * store: once per copy, whatever the body, and holding on while Postgres is away.
 */

describe('the dead-letter store', () => {
  useDeadLetterStore();

  test('When messages are parked, then the drain moves each into the store once, empties the DLQ, and the summary counts them with the oldest', async () => {
    await park('mailer', events(1), { parkedAt: new Date(Date.now() - 90_000) });
    await park('mailer', events(2));

    const summaries = await deadLetters.summary();

    expect(summaries).toEqual([
      {
        service: 'mailer',
        queue: dlqOf('mailer'),
        parked: 3,
        oldestParkedAt: expect.any(String),
        oldestAgeMs: expect.any(Number),
        arriving: 0,
      },
      {
        service: 'ledger',
        queue: dlqOf('ledger'),
        parked: 0,
        oldestParkedAt: null,
        oldestAgeMs: null,
        arriving: 0,
      },
    ]);
    expect(summaries[0]!.oldestAgeMs).toBeGreaterThanOrEqual(90_000);
    expect(summaries[0]!.oldestAgeMs).toBeLessThan(100_000);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(0);
  });

  test('When the same copy reaches the drain twice (an ack lost with its channel), then it is stored once; the same event parked again later is a new dead letter', async () => {
    const [event] = events(1);
    const parkedAt = new Date();
    publishParked('mailer', [event!], { parkedAt });
    publishParked('mailer', [event!], { parkedAt });
    await waitFor('the DLQ drained', async () => (await inspector.depth(dlqOf('mailer'))) === 0);
    await sleep(300);
    expect(await parkedIn('mailer')).toHaveLength(1);

    await park('mailer', [event!], { parkedAt: new Date(parkedAt.getTime() + 5_000) });

    const parked = await parkedIn('mailer');
    expect(parked.map(({ messageId }) => messageId)).toEqual([event!.id, event!.id]);
    expect(new Set(parked.map(({ id }) => id)).size).toBe(2);
  });

  test('When a parked body is not JSON, or its headers hold text Postgres cannot store, then the drain stores it all the same', async () => {
    inspector.channel.sendToQueue(dlqOf('ledger'), Buffer.from([0x7b, 0x00, 0xff, 0xfe]), {
      messageId: 'malformed-1',
      persistent: true,
      headers: {
        [HEADERS.lastError]: 'bad \u0000 byte and a lone \ud800 surrogate',
        [HEADERS.deadLetterReason]: 'malformed-json',
        [HEADERS.deadLetteredAt]: 'not a date',
        'x-bytes': Buffer.from([1, 2, 3]),
      },
    });

    await waitFor('stored', async () => (await parkedIn('ledger')).length === 1);
    const [stored] = await parkedIn('ledger');
    expect(stored).toMatchObject({
      messageId: 'malformed-1',
      type: null,
      subject: null,
      reason: 'malformed-json',
      lastError: 'bad \uFFFD byte and a lone \uFFFD surrogate',
    });
    const detail = await deadLetters.read('ledger', stored!.id);
    expect(detail!.body).toBe(Buffer.from([0x7b, 0x00, 0xff, 0xfe]).toString('utf8'));
    const raw = await prisma.deadLetter.findUniqueOrThrow({ where: { id: stored!.id } });
    expect(Buffer.from(raw.body)).toEqual(Buffer.from([0x7b, 0x00, 0xff, 0xfe]));
  });

  test('When the store cannot be written, then the drain holds the message and stores it once Postgres answers; nothing returns to the DLQ meanwhile', async () => {
    const failing = { failures: 3, calls: 0 };
    const flaky = {
      park: async (record: Parameters<DeadLetterStore['park']>[0]) => {
        failing.calls += 1;
        if (failing.calls <= failing.failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return store.park(record);
      },
    };
    const holdTopology = testTopology(uniquePrefix('dead-letter-hold'), [
      { service: 'mailer', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    const holdBroker = await Broker.connect({ url: amqpUrl(), topology: holdTopology, logger: testLogger() });
    try {
      holdBroker.attach(new DeadLetterDrain(holdTopology.services, flaky, 'orderId', testLogger()));
      const [event] = events(1);
      const dlq = holdTopology.services[0]!.deadLetterQueue;
      inspector.channel.sendToQueue(dlq, Buffer.from(JSON.stringify(event)), {
        messageId: event!.id,
        persistent: true,
        headers: { [HEADERS.deadLetteredAt]: new Date().toISOString() },
      });

      const holding = new DeadLetters(holdBroker, store, 'orderId');
      await waitFor(
        'stored after three failures',
        async () => (await holding.search('mailer', {}, { limit: 10 })).total === 1,
      );
      // The drain itself tried again with the delivery it held: four tries, one row, an empty DLQ.
      expect(failing.calls).toBe(4);
      expect(await inspector.depth(dlq)).toBe(0);
    } finally {
      await holdBroker.close();
      await inspector.deleteTopology(holdTopology);
    }
  });
});

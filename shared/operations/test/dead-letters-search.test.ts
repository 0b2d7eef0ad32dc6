import { HEADERS } from '@shared/messaging';
import type { DeadLetters } from '@shared/operations';
import { OrderCompletedV1 } from '@shop/contracts/events';
import {
  deadLetters,
  events,
  park,
  parkedIn,
  SMTP_DOWN,
  sorted,
  TRACE,
  useDeadLetterStore,
} from './dead-letters-fixture';

/**
 * Reading the dead-letter store: one dead letter with all it carries, and the
 * search by order, type, error and time window.
 */

describe('the dead-letter store', () => {
  useDeadLetterStore();

  test('When a dead letter is searched and read, then it comes with its type, order, attempts, errors and times, its headers, and its body byte for byte', async () => {
    const [event] = events(1);
    const parkedAt = new Date();
    await park('mailer', [event!], { parkedAt });

    const [found] = await parkedIn('mailer');
    const detail = await deadLetters.read('mailer', found!.id);

    expect(found).toEqual({
      id: expect.any(String),
      service: 'mailer',
      messageId: event!.id,
      type: 'checkout.order.completed',
      subject: event!.data.orderId,
      correlationId: event!.correlationId,
      attempts: 3,
      reason: 'retries-exhausted',
      lastError: SMTP_DOWN,
      lastErrorCode: 'ECONNREFUSED',
      firstFailureAt: new Date(parkedAt.getTime() - 1_000).toISOString(),
      parkedAt: parkedAt.toISOString(),
      state: 'parked',
      settledAt: null,
    });
    expect(detail).toMatchObject({
      contentType: 'application/json',
      headers: { traceparent: TRACE, [HEADERS.deadLetteredBy]: 'mailer' },
      body: event,
    });
    expect(await deadLetters.read('mailer', '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await deadLetters.read('ledger', found!.id)).toBeNull();
  });

  test('When the search filters by order, type, error code, error text and time window, then exactly the matching dead letters come back, a page at a time with their total', async () => {
    const now = Date.now();
    const early = events(2);
    const busy = events(3);
    const refused = events(4);
    await park('mailer', early, { parkedAt: new Date(now - 3 * 3_600_000) });
    await park('mailer', busy, { error: '421 4.3.2 Service not available', code: 'EMAIL.SMTP_421' });
    await park('mailer', refused);

    const page = (filter: Parameters<DeadLetters['search']>[1], limit = 500) =>
      deadLetters.search('mailer', filter, { limit });
    const idsOf = async (filter: Parameters<DeadLetters['search']>[1]) =>
      sorted((await page(filter)).items.map(({ messageId }) => messageId));

    expect(await idsOf({ subject: busy[1]!.data.orderId })).toEqual([busy[1]!.id]);
    expect(await idsOf({ errorCode: 'EMAIL.SMTP_421' })).toEqual(sorted(busy.map(({ id }) => id)));
    expect(await idsOf({ errorContains: 'econnrefused' })).toEqual(
      sorted([...early, ...refused].map(({ id }) => id)),
    );
    expect(await idsOf({ since: new Date(now - 3_600_000) })).toEqual(
      sorted([...busy, ...refused].map(({ id }) => id)),
    );
    expect(await idsOf({ until: new Date(now - 3_600_000), type: OrderCompletedV1.type })).toEqual(
      sorted(early.map(({ id }) => id)),
    );
    expect(await idsOf({ type: 'email.review-request.due' })).toEqual([]);

    const first = await page({}, 4);
    expect(first.items).toHaveLength(4);
    expect(first.total).toBe(9);
    const second = await deadLetters.search('mailer', {}, { limit: 4, after: first.next! });
    const third = await deadLetters.search('mailer', {}, { limit: 4, after: second.next! });
    expect(third.next).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map(({ id }) => id);
    expect(new Set(all).size).toBe(9);
    expect(first.items[0]!.messageId).toBe(early[0]!.id);
  });
});

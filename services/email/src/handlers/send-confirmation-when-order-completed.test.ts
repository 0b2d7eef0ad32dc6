import { InMemoryEventBus } from '@shared/messaging/testing';
import { ConfirmationSentV1, ReviewRequestDueV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../../test/order-events';
import { InMemoryMailer } from '../testing/in-memory-mailer';
import { InMemorySentConfirmations } from '../testing/in-memory-sent-confirmations';
import { sendConfirmationWhenOrderCompleted } from './send-confirmation-when-order-completed';

const DAY_MS = 24 * 60 * 60 * 1000;

function setUp() {
  const mailer = new InMemoryMailer();
  const confirmations = new InMemorySentConfirmations();
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const email = bus.consumer('email', (event: OrderCompleted, context) =>
    sendConfirmationWhenOrderCompleted(event, {
      ...context,
      confirmations,
      mailer,
      receiptsBaseUrl: 'https://shop.example',
      messageIdDomain: 'shop.example',
      reviewRequestDelayMs: DAY_MS,
    }),
  );
  return { mailer, confirmations, bus, email };
}

describe('sendConfirmationWhenOrderCompleted', () => {
  test('When an order completes, then the customer gets one confirmation and email reports it sent', async () => {
    const { mailer, bus, email } = setUp();
    const event = anOrderCompletedEvent();

    await email.deliver(event);

    expect(mailer.sent).toEqual([
      expect.objectContaining({
        kind: 'order-confirmation',
        to: { name: 'Ada Lovelace', address: 'ada@example.com' },
        text: expect.stringContaining(`https://shop.example/receipts/${event.data.orderId}.pdf`),
      }),
    ]);
    expect(bus.publishedOf(ConfirmationSentV1)).toEqual([
      expect.objectContaining({
        correlationId: event.correlationId,
        data: expect.objectContaining({
          orderId: event.data.orderId,
          attempt: 1,
          recipient: 'ada@example.com',
          messageId: mailer.sent[0]?.messageId,
        }),
      }),
    ]);
  });

  test('When an order completes, then its review request is scheduled for a day after the order', async () => {
    const { confirmations, email } = setUp();
    const event = anOrderCompletedEvent({ placedAt: '2025-01-01T10:00:00.000Z' });

    await email.deliver(event);

    expect([...confirmations.jobs.values()]).toEqual([
      expect.objectContaining({
        service: 'email',
        dueAt: new Date('2025-01-02T10:00:00.000Z'),
        event: expect.objectContaining({
          type: ReviewRequestDueV1.type,
          data: expect.objectContaining({ orderId: event.data.orderId }),
        }),
      }),
    ]);
  });

  test('When the same event is delivered twice, then one email is sent and the second delivery reports it again', async () => {
    const { mailer, bus, email } = setUp();
    const event = anOrderCompletedEvent();

    const first = await email.deliver(event);
    const again = await email.deliver(event, 2);

    expect(mailer.sent).toHaveLength(1);
    expect(again).toEqual(first);
    expect(bus.publishedOf(ConfirmationSentV1).map(({ data }) => [data.attempt, data.messageId])).toEqual([
      [1, first.messageId],
      [2, first.messageId],
    ]);
  });

  test('When the order arrives again under another event id, then no second email goes out', async () => {
    const { mailer, confirmations, email } = setUp();
    const event = anOrderCompletedEvent();

    const first = await email.deliver(event);
    const again = await email.deliver(anOrderCompletedEvent(event.data));

    expect(mailer.sent).toHaveLength(1);
    expect(confirmations.jobs.size).toBe(1);
    expect(again).toEqual(first);
  });
});

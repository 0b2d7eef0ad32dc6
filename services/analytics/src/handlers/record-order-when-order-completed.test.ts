import { InMemoryEventBus, InMemoryInbox } from '@shared/messaging/testing';
import { OrderRecordedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../../test/order-events';
import { InMemoryOrderFacts } from '../testing/in-memory-order-facts';
import { recordOrderWhenOrderCompleted } from './record-order-when-order-completed';

const RECORDED_AT = '2025-01-01T10:00:00.000Z';

function setUp() {
  const inbox = new InMemoryInbox();
  const facts = new InMemoryOrderFacts(inbox, () => new Date(RECORDED_AT));
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const analytics = bus.consumer(
    'analytics',
    (event: OrderCompleted, context) => recordOrderWhenOrderCompleted(event, { ...context, facts }),
    { inbox },
  );
  return { facts, bus, analytics };
}

describe('recordOrderWhenOrderCompleted', () => {
  test('When an order completes, then one fact is recorded and analytics reports the order recorded', async () => {
    const { facts, bus, analytics } = setUp();
    const event = anOrderCompletedEvent();

    const result = await analytics.deliver(event);

    expect(result).toEqual({ recordedAt: RECORDED_AT });
    expect(facts.facts.get(event.data.orderId)?.order).toEqual(event.data);
    expect(bus.publishedOf(OrderRecordedV1)).toEqual([
      expect.objectContaining({
        correlationId: event.correlationId,
        data: expect.objectContaining({
          orderId: event.data.orderId,
          attempt: 1,
          recordedAt: result.recordedAt,
        }),
      }),
    ]);
  });

  test('When the same event is delivered twice, then the fact is recorded once and reported again with its first time', async () => {
    const { facts, bus, analytics } = setUp();
    const event = anOrderCompletedEvent();

    const first = await analytics.deliver(event);
    const again = await analytics.deliver(event, 2);

    expect(facts.facts.size).toBe(1);
    expect([first, again]).toEqual([{ recordedAt: RECORDED_AT }, { recordedAt: RECORDED_AT }]);
    expect(bus.publishedOf(OrderRecordedV1).map(({ data }) => [data.attempt, data.recordedAt])).toEqual([
      [1, RECORDED_AT],
      [2, RECORDED_AT],
    ]);
  });

  test('When the order arrives again under another event id, then the first fact stands', async () => {
    const { facts, analytics } = setUp();
    const event = anOrderCompletedEvent();
    const copy = anOrderCompletedEvent({ ...event.data, totalCents: 1 });

    const first = await analytics.deliver(event);
    const again = await analytics.deliver(copy);

    expect(again).toEqual(first);
    expect(facts.facts.size).toBe(1);
    expect(facts.facts.get(event.data.orderId)?.order.totalCents).toBe(event.data.totalCents);
  });
});

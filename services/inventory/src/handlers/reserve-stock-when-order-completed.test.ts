import { InMemoryEventBus, InMemoryInbox } from '@shared/messaging/testing';
import { StockReservedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { anOrderCompletedEvent, type OrderCompleted } from '../../../../test/order-events';
import { InMemoryStockLedger } from '../testing/in-memory-stock-ledger';
import { reserveStockWhenOrderCompleted } from './reserve-stock-when-order-completed';

const line = (sku: string, quantity: number) => ({
  sku,
  name: sku,
  quantity,
  unitPriceCents: 100,
  lineTotalCents: 100 * quantity,
});

function setUp(stock: Record<string, number>) {
  const inbox = new InMemoryInbox();
  const ledger = new InMemoryStockLedger(inbox, stock);
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const inventory = bus.consumer(
    'inventory',
    (event: OrderCompleted, context) => reserveStockWhenOrderCompleted(event, { ...context, stock: ledger }),
    { inbox },
  );
  return { ledger, bus, inventory };
}

describe('reserveStockWhenOrderCompleted', () => {
  test('When an order completes, then its stock is served from what is on hand, the rest backordered, and reported', async () => {
    const { ledger, bus, inventory } = setUp({ 'BOOK-1': 5, 'MUG-1': 1 });
    const event = anOrderCompletedEvent({ items: [line('MUG-1', 3), line('BOOK-1', 2)], totalCents: 500 });

    await inventory.deliver(event);

    expect(ledger.onHand).toEqual(
      new Map([
        ['BOOK-1', 3],
        ['MUG-1', 0],
      ]),
    );
    expect(ledger.backordered.get('MUG-1')).toBe(2);
    expect(bus.publishedOf(StockReservedV1)).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          orderId: event.data.orderId,
          attempt: 1,
          lines: [
            { sku: 'BOOK-1', quantity: 2, backordered: 0 },
            { sku: 'MUG-1', quantity: 3, backordered: 2 },
          ],
        }),
      }),
    ]);
  });

  test('When a SKU was never stocked, then its whole quantity is backordered rather than refused', async () => {
    const { ledger, inventory } = setUp({});

    const result = await inventory.deliver(
      anOrderCompletedEvent({ items: [line('NEW-1', 2)], totalCents: 200 }),
    );

    expect(result.lines).toEqual([{ sku: 'NEW-1', quantity: 2, backordered: 2 }]);
    expect(ledger.onHand.get('NEW-1')).toBe(0);
  });

  test('When the same event is delivered twice, then the stock moves once and the first movements are reported again', async () => {
    const { ledger, bus, inventory } = setUp({ 'BOOK-1': 5 });
    const event = anOrderCompletedEvent({ items: [line('BOOK-1', 2)], totalCents: 200 });

    const first = await inventory.deliver(event);
    const again = await inventory.deliver(event, 2);

    expect(ledger.onHand.get('BOOK-1')).toBe(3);
    expect(again).toEqual(first);
    expect(bus.publishedOf(StockReservedV1).map(({ data }) => data.lines)).toEqual([
      first.lines,
      first.lines,
    ]);
  });

  test('When the order arrives again under another event id, then nothing moves twice', async () => {
    const { ledger, inventory } = setUp({ 'BOOK-1': 5 });
    const event = anOrderCompletedEvent({ items: [line('BOOK-1', 2)], totalCents: 200 });

    await inventory.deliver(event);
    await inventory.deliver(anOrderCompletedEvent(event.data));

    expect(ledger.onHand.get('BOOK-1')).toBe(3);
  });
});

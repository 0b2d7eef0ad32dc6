import { DeliveryLog } from './delivery-log';

const orderCompleted = (orderId: string) => ({ type: 'checkout.order.completed', data: { orderId } });

describe("the receiver's delivery log", () => {
  test('When the same webhook-id arrives three times, then it is kept once and counted as two duplicates', () => {
    const log = new DeliveryLog();

    const firsts = [1, 2, 3].map(() => log.receive('id-1', orderCompleted('order-1')));

    expect(firsts).toEqual([true, false, false]);
    expect(log.list()).toEqual([
      expect.objectContaining({
        id: 'id-1',
        type: 'checkout.order.completed',
        orderId: 'order-1',
        duplicates: 2,
      }),
    ]);
  });

  test('When two ids arrive, then both are kept, oldest first, whatever their bodies say', () => {
    const log = new DeliveryLog();

    log.receive('id-1', orderCompleted('order-1'));
    log.receive('id-2', orderCompleted('order-1'));
    log.receive('id-3', {});

    expect(log.list().map(({ id, orderId, type }) => [id, orderId, type])).toEqual([
      ['id-1', 'order-1', 'checkout.order.completed'],
      ['id-2', 'order-1', 'checkout.order.completed'],
      ['id-3', null, 'unknown'],
    ]);
  });
});

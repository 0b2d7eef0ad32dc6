import { randomUUID } from 'node:crypto';
import { InMemoryInbox } from './in-memory-inbox';

const anEvent = () => ({ id: randomUUID(), type: 'shop.order.completed' });

describe('InMemoryInbox', () => {
  test('When an event is handled twice, then its effect runs once and the second is a duplicate', async () => {
    const inbox = new InMemoryInbox();
    const event = anEvent();
    let runs = 0;

    const first = await inbox.for(event).once(async () => ++runs);
    const again = await inbox.for(event).once(async () => ++runs);

    expect([first, again]).toEqual([{ duplicate: false, result: 1 }, { duplicate: true }]);
    expect(inbox.holds(event.id)).toBe(true);
  });

  test('When the effect throws, then the event is not held and the next delivery runs it', async () => {
    const inbox = new InMemoryInbox();
    const event = anEvent();

    await expect(inbox.for(event).once(() => Promise.reject(new Error('SMTP down')))).rejects.toThrow(
      'SMTP down',
    );

    expect(inbox.holds(event.id)).toBe(false);
    expect(await inbox.for(event).once(async () => 'sent')).toEqual({ duplicate: false, result: 'sent' });
  });

  test('When a one-statement effect takes the claim, then a later `once` of the event is a duplicate', async () => {
    const inbox = new InMemoryInbox();
    const delivery = inbox.for(anEvent());

    expect(inbox.take(delivery.claim)).toBe(true);
    expect(inbox.take(delivery.claim)).toBe(false);
    expect(await delivery.once(async () => 'again')).toEqual({ duplicate: true });
  });
});

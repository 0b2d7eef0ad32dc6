import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@shared/core/logging';
import { signWebhook } from '../domain/webhook-signature';
import { receiverApp } from './receiver-app';

const secret = `whsec_${Buffer.from('a key of thirty-two bytes, for us').toString('base64')}`;
const logger = createLogger('receiver-test', 'silent');

describe('the webhook receiver', () => {
  let baseUrl: string;
  let close: () => void;

  beforeEach(async () => {
    const server = receiverApp({ secret, logger }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterEach(() => close());

  const anOrder = () => {
    const id = randomUUID();
    return {
      id,
      body: JSON.stringify({ id, type: 'checkout.order.completed', data: { orderId: randomUUID() } }),
    };
  };
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${baseUrl}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const deliveries = async () =>
    (
      (await (await fetch(`${baseUrl}/deliveries`)).json()) as {
        deliveries: { id: string; duplicates: number }[];
      }
    ).deliveries;

  test('When a signed delivery arrives twice, then both are answered 200 and it is kept once, the second as a duplicate', async () => {
    const { id, body } = anOrder();

    const first = await post(body, signWebhook(secret, id, body));
    const second = await post(body, signWebhook(secret, id, body));

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await first.json()).toEqual({ id, duplicate: false });
    expect(await second.json()).toEqual({ id, duplicate: true });
    expect(await deliveries()).toEqual([expect.objectContaining({ id, duplicates: 1 })]);
  });

  test('When the body was changed after signing, then it is answered 401 problem+json and nothing is kept', async () => {
    const { id, body } = anOrder();

    const response = await post(body.replace('order', 'ORDER'), signWebhook(secret, id, body));

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await deliveries()).toEqual([]);
  });

  test('When the signature is 6 minutes old, then it is answered 401', async () => {
    const { id, body } = anOrder();

    const response = await post(body, signWebhook(secret, id, body, new Date(Date.now() - 6 * 60_000)));

    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toBe('Message timestamp too old');
  });

  test('When an outage is set, then deliveries are answered its status and kept only once it is lifted', async () => {
    const { id, body } = anOrder();

    expect(
      (
        await fetch(`${baseUrl}/outage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"status":503}',
        })
      ).status,
    ).toBe(200);
    const during = await post(body, signWebhook(secret, id, body));
    expect((await fetch(`${baseUrl}/outage`, { method: 'DELETE' })).status).toBe(200);
    const after = await post(body, signWebhook(secret, id, body));

    expect([during.status, after.status]).toEqual([503, 200]);
    expect(await deliveries()).toEqual([expect.objectContaining({ id, duplicates: 0 })]);
  });

  test('When the page is read, then it lists the deliveries with their values escaped', async () => {
    const id = '<b>not-a-uuid</b>';
    const body = JSON.stringify({ id, type: '<script>alert(1)</script>', data: {} });
    await post(body, signWebhook(secret, id, body));

    const page = await (await fetch(`${baseUrl}/`)).text();

    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;b&gt;not-a-uuid&lt;/b&gt;');
    expect(page).not.toContain('<script>');
  });
});

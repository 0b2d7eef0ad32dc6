import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook, webhookSecret } from './webhook-signature';

const key = Buffer.from('a key of thirty-two bytes, for us');
const secret = `whsec_${key.toString('base64')}`;
const id = '0b8f5d1e-6f7a-4c1e-9a43-6f1d2b7c9e10';
const body = JSON.stringify({ id, type: 'checkout.order.completed', data: { totalCents: 2400 } });

describe('webhook signatures (Standard Webhooks)', () => {
  test('When a delivery is signed, then its signature is v1 and the base64 HMAC-SHA256 of "id.timestamp.body" under the secret', () => {
    const at = new Date('2026-12-07T12:00:00Z');

    const headers = signWebhook(secret, id, body, at);

    const expected = createHmac('sha256', key)
      .update(`${id}.${at.getTime() / 1000}.${body}`)
      .digest('base64');
    expect(headers).toEqual({
      'webhook-id': id,
      'webhook-timestamp': String(at.getTime() / 1000),
      'webhook-signature': `v1,${expected}`,
    });
  });

  test('When a signed delivery is verified with the same secret, then it is valid and names its id', () => {
    expect(verifyWebhook(secret, body, signWebhook(secret, id, body))).toEqual({ valid: true, id });
  });

  test('When one byte of the body was changed, then it is refused', () => {
    const headers = signWebhook(secret, id, body);

    expect(verifyWebhook(secret, body.replace('2400', '2401'), headers)).toEqual({
      valid: false,
      reason: 'No matching signature found',
    });
  });

  test('When the id was changed, or another secret signed it, then it is refused', () => {
    const headers = signWebhook(secret, id, body);
    const other = `whsec_${Buffer.from('another key of thirty-two bytes!').toString('base64')}`;

    expect(verifyWebhook(secret, body, { ...headers, 'webhook-id': 'another-id' }).valid).toBe(false);
    expect(verifyWebhook(other, body, headers).valid).toBe(false);
  });

  test('When the timestamp is more than 5 minutes old or ahead, then it is refused, even with a valid signature', () => {
    const now = Date.now();
    const old = signWebhook(secret, id, body, new Date(now - 6 * 60_000));
    const ahead = signWebhook(secret, id, body, new Date(now + 6 * 60_000));
    const recent = signWebhook(secret, id, body, new Date(now - 4 * 60_000));

    expect(verifyWebhook(secret, body, old)).toEqual({ valid: false, reason: 'Message timestamp too old' });
    expect(verifyWebhook(secret, body, ahead)).toEqual({ valid: false, reason: 'Message timestamp too new' });
    expect(verifyWebhook(secret, body, recent).valid).toBe(true);
  });

  test('When a header is missing, then it is refused', () => {
    const { 'webhook-signature': _signature, ...unsigned } = signWebhook(secret, id, body);

    expect(verifyWebhook(secret, body, unsigned)).toEqual({
      valid: false,
      reason: 'Missing required headers',
    });
  });

  test.each([
    ['a secret without its prefix', key.toString('base64')],
    ['a secret of a few bytes', 'whsec_c2hvcnQ='],
    ['a secret that is not base64', 'whsec_not base64 at all!'],
  ])('When WEBHOOK_SECRET is %s, then it is refused', (_case, value) => {
    expect(webhookSecret.safeParse(value).success).toBe(false);
  });
});

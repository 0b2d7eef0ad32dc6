import { createHash } from 'node:crypto';

export interface OrderRequest {
  customer: { email: string; name: string };
  items: { sku: string; quantity: number }[];
  payment: { cardNumber: string };
}

/**
 * What "the same request" means for an Idempotency-Key: a hash of the
 * validated request (unknown fields are already gone, key order does not
 * matter). The card number enters only as its last four digits: a plain hash
 * of a full card number is easy to reverse, so it must not be stored.
 */
export function requestFingerprint(request: OrderRequest): string {
  const canonical = JSON.stringify([
    request.customer.email,
    request.customer.name,
    request.items.map((item) => [item.sku, item.quantity]),
    request.payment.cardNumber.slice(-4),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

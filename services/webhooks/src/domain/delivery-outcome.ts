/**
 * What an endpoint's answer means for the delivery. A 2xx took it. A 408,
 * 429 or 5xx says "not now": the endpoint is down, overloaded or restarting,
 * and the same request may pass later. Any other answer (a 4xx: the URL is
 * wrong, the secret is, or the merchant refuses the order; a 3xx: the
 * endpoint moved) will be the same however often it is retried, and is for
 * a person to look at.
 */
export type DeliveryOutcome = 'delivered' | 'retry' | 'reject';

const NOT_NOW = new Set([408, 429]);

export function outcomeOfStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (NOT_NOW.has(status) || status >= 500) return 'retry';
  return 'reject';
}

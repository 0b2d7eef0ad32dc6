import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';

/**
 * Signing by the Standard Webhooks scheme (https://www.standardwebhooks.com/),
 * through its maintained library: `webhook-signature` is `v1,` and the base64
 * HMAC-SHA256, keyed by the secret, of "<webhook-id>.<webhook-timestamp>.<body>".
 * A receiver recomputes it from the raw body and refuses a timestamp more
 * than 5 minutes away from its clock, so a captured request cannot be
 * replayed later.
 */

/** A secret as Standard Webhooks writes it: `whsec_` and the key's bytes in base64. */
export const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]{16,}={0,2}$/, 'expected whsec_ and at least 12 bytes in base64');

// A type, not an interface, so that it is a Record<string, string> too (fetch's headers).
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The headers of one delivery: its id, the time of this attempt in unix seconds, and the signature. */
export function signWebhook(secret: string, id: string, body: string, at = new Date()): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

export type Verification = { valid: true; id: string } | { valid: false; reason: string };

/** Whether `body` and `headers` were signed with `secret` within the last (or next) 5 minutes. */
export function verifyWebhook(
  secret: string,
  body: string,
  headers: Partial<Record<keyof WebhookHeaders, string>>,
): Verification {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>, { jsonParse: false });
    return { valid: true, id: headers['webhook-id'] ?? '' };
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { valid: false, reason: error.message };
    throw error;
  }
}

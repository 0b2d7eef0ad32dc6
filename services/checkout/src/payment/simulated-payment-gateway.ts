import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';

/** Cards with a fixed answer, as card networks publish for their sandboxes. Any other valid number is approved. */
export const TEST_CARDS = {
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

interface Charge {
  result: ChargeResult;
  amountCents: number;
  refunded: boolean;
}

/**
 * A stand-in for a card gateway, with the behaviour checkout relies on:
 * test cards, latency, and idempotency per order id. It keeps its charges in
 * memory; a real gateway keeps that state on its side, which is what makes a
 * retried charge after a crash safe.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  private readonly charges = new Map<string, Charge>();

  constructor(private readonly latencyMs = 0) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const existing = this.charges.get(request.orderId);
    if (existing) return existing.result;
    const result = decide(request.cardNumber);
    this.charges.set(request.orderId, { result, amountCents: request.amountCents, refunded: false });
    return result;
  }

  async refund(orderId: string): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const charge = this.charges.get(orderId);
    if (charge?.result.approved) charge.refunded = true;
  }

  /** The gateway's view of an order's charge, for tests and the demo. */
  chargeFor(orderId: string): Readonly<Charge> | undefined {
    return this.charges.get(orderId);
  }
}

function decide(cardNumber: string): ChargeResult {
  if (cardNumber === TEST_CARDS.declined) return { approved: false, reason: 'card_declined' };
  if (cardNumber === TEST_CARDS.insufficientFunds) return { approved: false, reason: 'insufficient_funds' };
  return { approved: true, paymentId: `pay_${randomUUID()}` };
}

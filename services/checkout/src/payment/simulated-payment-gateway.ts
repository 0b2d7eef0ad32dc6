import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeRecord, ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';

/** Cards with a fixed answer, as card networks publish for their sandboxes. Any other valid number is approved. */
export const TEST_CARDS = {
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

/** Where the simulated gateway keeps its charges. */
export interface ChargeLedger {
  get(orderId: string): Promise<ChargeRecord | undefined>;
  /** Records a charge unless the order has one; returns the one that stands. */
  add(orderId: string, charge: ChargeRecord & { currency: string }): Promise<ChargeRecord>;
  markRefunded(orderId: string): Promise<void>;
}

/** A ledger in memory: the gateway forgets its charges when the process ends (tests). */
export class InMemoryChargeLedger implements ChargeLedger {
  private readonly charges = new Map<string, ChargeRecord>();

  async get(orderId: string) {
    return this.charges.get(orderId);
  }

  async add(orderId: string, charge: ChargeRecord) {
    const existing = this.charges.get(orderId);
    if (existing) return existing;
    this.charges.set(orderId, { result: charge.result, amountCents: charge.amountCents, refunded: false });
    return this.charges.get(orderId)!;
  }

  async markRefunded(orderId: string) {
    const charge = this.charges.get(orderId);
    if (charge?.result.approved) charge.refunded = true;
  }
}

/**
 * A stand-in for a card gateway, with the behaviour checkout relies on:
 * test cards, latency, idempotency per order id, and a memory of its charges
 * that outlives checkout (the ledger), so a charge checkout did not record
 * can be looked up and settled. It is the one simulated part of the system.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  constructor(
    private readonly latencyMs = 0,
    private readonly ledger: ChargeLedger = new InMemoryChargeLedger(),
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const existing = await this.ledger.get(request.orderId);
    if (existing) return existing.result;
    const charge = await this.ledger.add(request.orderId, {
      result: decide(request.cardNumber),
      amountCents: request.amountCents,
      currency: request.currency,
      refunded: false,
    });
    return charge.result;
  }

  async refund(orderId: string): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    await this.ledger.markRefunded(orderId);
  }

  lookup(orderId: string): Promise<ChargeRecord | undefined> {
    return this.ledger.get(orderId);
  }

  /** The gateway's view of an order's charge, for tests and the demo. */
  chargeFor(orderId: string): Promise<Readonly<ChargeRecord> | undefined> {
    return this.ledger.get(orderId);
  }
}

function decide(cardNumber: string): ChargeResult {
  if (cardNumber === TEST_CARDS.declined) return { approved: false, reason: 'card_declined' };
  if (cardNumber === TEST_CARDS.insufficientFunds) return { approved: false, reason: 'insufficient_funds' };
  return { approved: true, paymentId: `pay_${randomUUID()}` };
}

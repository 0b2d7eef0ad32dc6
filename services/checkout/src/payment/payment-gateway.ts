/** What checkout needs from a card gateway. Every call is idempotent per order id. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(orderId: string): Promise<void>;
  /** What the gateway knows of an order's charge: none, or its result and whether it was refunded. */
  lookup(orderId: string): Promise<ChargeRecord | undefined>;
}

export interface ChargeRequest {
  /** Also the idempotency key: charging the same order twice returns the first result. */
  orderId: string;
  amountCents: number;
  currency: string;
  cardNumber: string;
}

export type ChargeResult =
  | { approved: true; paymentId: string }
  | { approved: false; reason: 'card_declined' | 'insufficient_funds' };

export interface ChargeRecord {
  result: ChargeResult;
  amountCents: number;
  refunded: boolean;
}

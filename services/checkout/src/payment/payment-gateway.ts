/** What checkout needs from a card gateway. Both calls are idempotent per order id. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(orderId: string): Promise<void>;
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

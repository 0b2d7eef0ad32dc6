/** What checkout needs from a card gateway. Every call is idempotent per order id. */
export interface PaymentGateway {
  /** Charges the order, or answers `cancelled` (and charges nothing) once `cancel` came first. */
  charge(request: ChargeRequest): Promise<ChargeResult | 'cancelled'>;
  refund(orderId: string): Promise<void>;
  /**
   * Settles the race with a charge that may still be on its way: atomically,
   * either returns the charge that stands for the order (approved or
   * declined, refunded or not), or records that none may happen and returns
   * undefined; a charge arriving after that answers `cancelled`. A real
   * gateway does this by cancelling the payment intent, or voiding the
   * authorisation, the order id references.
   */
  cancel(orderId: string): Promise<ChargeRecord | undefined>;
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

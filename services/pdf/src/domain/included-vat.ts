/** The standard VAT rate the shop's prices include unless RECEIPT_VAT_RATE says otherwise. */
export const DEFAULT_VAT_RATE = 0.2;

/**
 * The VAT contained in a VAT-inclusive amount, rounded to the cent: the
 * amount less the amount without VAT. Taken once from an order's total rather
 * than summed per line, so a receipt never shows rounding pennies that add up
 * differently from its total.
 */
export function includedVatCents(grossCents: number, rate: number): number {
  return Math.round(grossCents - grossCents / (1 + rate));
}

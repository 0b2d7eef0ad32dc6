import { type FieldError, unknownSkus } from './order-errors';

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  totalCents: number;
  currency: string;
}

/**
 * Prices come from the catalogue only: the request names SKUs and
 * quantities, never amounts. Every unknown SKU is reported, each by its field.
 */
export function priceOrder(items: { sku: string; quantity: number }[], catalogue: Product[]): PricedOrder {
  const bySku = new Map(catalogue.map((product) => [product.sku, product]));
  const unknown: FieldError[] = [];
  const lines: PricedLine[] = [];
  items.forEach(({ sku, quantity }, index) => {
    const product = bySku.get(sku);
    if (!product) {
      unknown.push({ field: `items[${index}].sku`, message: `No product with SKU "${sku}"` });
      return;
    }
    lines.push({
      sku,
      name: product.name,
      quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents: product.priceCents * quantity,
    });
  });
  if (unknown.length > 0) throw unknownSkus(unknown);
  const currencies = new Set(lines.map((line) => bySku.get(line.sku)!.currency));
  // The catalogue has one currency; a mixed basket would need exchange rules this reference does not have.
  if (currencies.size !== 1) throw new Error(`A basket in several currencies: ${[...currencies].join(', ')}`);
  return {
    lines,
    totalCents: lines.reduce((total, line) => total + line.lineTotalCents, 0),
    currency: [...currencies][0]!,
  };
}

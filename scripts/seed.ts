import type { PrismaClient } from '@shop/contracts/database';

/**
 * The demo catalogue, and the stock the inventory service starts with. One
 * list, so both services start from the same SKUs. Rows that exist are left
 * as they are: seeding is safe on every start and never resets stock.
 */
export const CATALOGUE = [
  { sku: 'MUG-CLASSIC', name: 'Classic mug', priceCents: 1_200, stock: 100 },
  { sku: 'TEE-LOGO-M', name: 'Logo T-shirt (M)', priceCents: 2_500, stock: 100 },
  { sku: 'HOODIE-GREY-L', name: 'Grey hoodie (L)', priceCents: 5_900, stock: 50 },
  { sku: 'STICKER-PACK', name: 'Sticker pack', priceCents: 400, stock: 500 },
  { sku: 'NOTEBOOK-A5', name: 'A5 notebook', priceCents: 900, stock: 200 },
  { sku: 'POSTER-QUEUE', name: 'Poster: mind the queue', priceCents: 1_500, stock: 5 },
] as const;

export const CURRENCY = 'EUR';

export async function seedDatabase(prisma: PrismaClient): Promise<void> {
  await prisma.product.createMany({
    data: CATALOGUE.map(({ sku, name, priceCents }) => ({ sku, name, priceCents, currency: CURRENCY })),
    skipDuplicates: true,
  });
  await prisma.stockItem.createMany({
    data: CATALOGUE.map(({ sku, stock }) => ({ sku, onHand: stock })),
    skipDuplicates: true,
  });
}

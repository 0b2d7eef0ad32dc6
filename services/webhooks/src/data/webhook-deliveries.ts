import type { PrismaClient, TransactionClient } from '@shop/contracts/database';

export interface WebhookDeliveryRecord {
  deliveryId: string;
  orderId: string;
  endpoint: string;
  statusCode: number;
}

/** Records a delivery the endpoint took, in the caller's transaction (the one holding the inbox claim). */
export async function recordDelivery(tx: TransactionClient, delivery: WebhookDeliveryRecord): Promise<void> {
  await tx.webhookDelivery.create({ data: delivery });
}

export function findDelivery(db: PrismaClient | TransactionClient, deliveryId: string) {
  return db.webhookDelivery.findUnique({ where: { deliveryId } });
}

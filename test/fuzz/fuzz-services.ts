import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiDescription, type RunningServer, startHttpServer } from '@shared/http';
import { consumerHttpApp } from '@shared/operations';
import { ANALYTICS_API, summaryRoutes } from '@shop/analytics';
import { type ChargeRequest, type ChargeResult, SimulatedPaymentGateway } from '@shop/checkout';
import { SHOP_ERRORS } from '@shop/contracts/errors';
import { EMAIL_API } from '@shop/email';
import { INVENTORY_API, inventoryRoutes } from '@shop/inventory';
import { PDF_API, ReceiptFiles, receiptRoutes } from '@shop/pdf';
import {
  createTestDatabase,
  startTestCheckout,
  type TestCheckout,
  type TestDatabase,
  topologyFor,
} from '../../services/checkout/test/checkout-harness';
import { startTestOperations, type TestOperations } from '../../services/operations/test/operations-harness';
import { QueueInspector, testLogger, uniquePrefix } from '../support';

export const ADMIN_TOKEN = 'admin-token-for-the-fuzz-test-0123';
/** A receipt that exists, so GET /receipts answers 200 as well as 404. */
export const EXISTING_RECEIPT = '6f1c2b7e-3d4a-4e5f-8a9b-0c1d2e3f4a5b';

/** The simulated gateway, recording the order id of every charge it is asked for. */
export class RecordingGateway extends SimulatedPaymentGateway {
  readonly chargedOrderIds: string[] = [];

  override charge(request: ChargeRequest): Promise<ChargeResult | 'cancelled'> {
    this.chargedOrderIds.push(request.orderId);
    return super.charge(request);
  }
}

export type ServiceName = 'checkout' | 'operations' | 'email' | 'pdf' | 'inventory' | 'analytics';

export interface FuzzServices {
  urls: Record<ServiceName, string>;
  gateway: RecordingGateway;
  database: TestDatabase;
  checkout: TestCheckout;
  operations: TestOperations;
  /** Every table of checkout's and the operations service's a request could write to, counted in one statement. */
  rowCounts(): Promise<RowCounts>;
  stop(): Promise<void>;
}

export interface RowCounts {
  orders: number;
  lines: number;
  outbox: number;
  tasks: number;
  audit: number;
}

/**
 * The six services' HTTP apps, in this process, on one database of their
 * own: checkout as its main.ts starts it (startCheckout, with the order list
 * on and a gateway that records charges), the operations service as its
 * main.ts starts it (with the admin API on), and the four consumers' apps as
 * serveConsumer builds them (consumerHttpApp with their routes), without
 * consuming: their HTTP side is what is fuzzed. Their /readyz reads
 * checkout's broker connection.
 */
export async function startFuzzServices(): Promise<FuzzServices> {
  const database = await createTestDatabase('http_fuzz');
  const prefix = uniquePrefix('http-fuzz');
  const gateway = new RecordingGateway();
  const checkout = await startTestCheckout(
    { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, ADMIN_TOKEN, DATABASE_POOL_SIZE: '4' },
    gateway,
  );
  const operations = await startTestOperations({
    DATABASE_URL: database.url,
    QUEUE_PREFIX: prefix,
    ADMIN_TOKEN,
    DATABASE_POOL_SIZE: '4',
  });
  const receiptsDir = await mkdtemp(join(tmpdir(), 'http-fuzz-receipts-'));
  const files = new ReceiptFiles(receiptsDir);
  await files.write(EXISTING_RECEIPT, Buffer.from('%PDF-1.4\n%%EOF\n'));

  const logger = testLogger('fuzz');
  const consumer = (api: ApiDescription, routes?: Parameters<typeof consumerHttpApp>[0]['routes']) =>
    startHttpServer(
      consumerHttpApp({
        logger,
        db: database.prisma,
        broker: checkout.broker,
        api,
        routes,
        errors: SHOP_ERRORS,
      }),
      0,
      logger,
    );
  const servers: Record<Exclude<ServiceName, 'checkout' | 'operations'>, RunningServer> = {
    email: await consumer(EMAIL_API),
    pdf: await consumer(PDF_API, receiptRoutes(files)),
    inventory: await consumer(INVENTORY_API, inventoryRoutes(database.prisma)),
    analytics: await consumer(ANALYTICS_API, summaryRoutes(database.prisma)),
  };
  const url = (port: number) => `http://127.0.0.1:${port}`;

  return {
    urls: {
      checkout: checkout.baseUrl,
      operations: operations.baseUrl,
      email: url(servers.email.port),
      pdf: url(servers.pdf.port),
      inventory: url(servers.inventory.port),
      analytics: url(servers.analytics.port),
    },
    gateway,
    database,
    checkout,
    operations,
    async rowCounts() {
      const [counts] = await database.prisma.$queryRaw<[RowCounts]>`
        SELECT (SELECT count(*) FROM checkout.orders)::int AS orders,
               (SELECT count(*) FROM checkout.order_lines)::int AS lines,
               (SELECT count(*) FROM checkout.outbox)::int AS outbox,
               (SELECT count(*) FROM checkout.fulfillment_tasks)::int AS tasks,
               (SELECT count(*) FROM operations.dead_letter_actions)::int AS audit`;
      return counts;
    },
    async stop() {
      await Promise.all(Object.values(servers).map((server) => server.close()));
      await operations.stop();
      await checkout.stop();
      const inspector = await QueueInspector.open();
      await inspector.deleteTopology(topologyFor(prefix));
      await inspector.close();
      await rm(receiptsDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

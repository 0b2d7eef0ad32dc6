import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SHOP_CONSUMERS, SHOP_REGISTRY, type ShopConsumer } from '@shop/contracts/registry';
import { createIsolatedDatabase } from '../isolated-database';
import { freePort, ServiceProcess } from '../service-process';
import { SmtpSink } from '../smtp-sink';
import { waitFor } from '../support';
import { TestShop } from '../test-shop';
import { WebhookReceiver } from '../webhook-receiver';

/** Every consumer of the registry: the stack starts one process of each. */
export const FULFILLMENT_SERVICES = SHOP_CONSUMERS;
export type FulfillmentServiceName = ShopConsumer;
/** The tasks every order gets, one per task consumer of the registry. */
const TASK_COUNT = SHOP_REGISTRY.tasks.length;
export type ServiceName = 'checkout' | 'operations' | FulfillmentServiceName;

export type TaskStatus = 'pending' | 'retrying' | 'completed' | 'failed';
export interface TimelineEntry {
  attempt: number;
  startedAt: string | null;
  finishedAt: string;
  outcome: 'completed' | 'failed' | 'dead-lettered';
  error: string | null;
}
export interface TaskView {
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  url?: string;
  result: Record<string, unknown> | null;
  timeline: TimelineEntry[];
}
export interface OrderView {
  id: string;
  status: string;
  createdAt: string;
  fulfillment: Record<'email' | 'receipt' | 'inventory' | 'analytics' | 'webhook', TaskView> | null;
}

export interface StackOptions {
  label: string;
  retryDelays?: string;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment per process. */
  envOf?: Partial<Record<ServiceName, Record<string, string>>>;
}

/**
 * The whole shop as real processes (checkout, the operations service and one
 * of each consumer of the registry, each from its entry file) on free loopback ports, sharing a
 * queue prefix and a database of their own, with an SMTP server and a
 * merchant's webhook receiver started here and a receipts directory of their
 * own.
 */
/** A dead letter as the operations service's API lists it. */
export interface ParkedDeadLetter {
  id: string;
  messageId: string;
  orderId: string | null;
  reason: string | null;
  lastError: string | null;
  attempts: number;
}

export class Stack {
  /** The operators' ADMIN_TOKEN, for the operations service's API (and checkout's order list). */
  readonly adminToken = 'e2e-admin-token-0123456789';
  /** Processes started besides the stack's own (replicas); stopped with the stack. */
  private readonly replicas: ServiceProcess[] = [];

  private constructor(
    readonly shop: TestShop,
    readonly smtp: SmtpSink,
    /** The merchant's endpoint the webhooks service POSTs to. */
    readonly webhooks: WebhookReceiver,
    readonly prisma: PrismaClient,
    readonly receiptsDir: string,
    readonly services: Record<ServiceName, ServiceProcess>,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const retryDelays = options.retryDelays ?? '100ms,200ms';
    const [shop, smtp, webhooks, database, receiptsDir, pdfPort, analyticsPort] = await Promise.all([
      TestShop.open(options.label, retryDelays),
      SmtpSink.start(),
      WebhookReceiver.start(),
      createIsolatedDatabase(`${options.label.replaceAll('-', '_')}_${Date.now().toString(36)}`),
      mkdtemp(join(tmpdir(), 'receipts-')),
      freePort(),
      freePort(),
    ]);
    const common = {
      ...shop.env,
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '8',
      OUTBOX_POLL_MS: '200',
      SMTP_URL: smtp.url,
      SMTP_CONNECT_TIMEOUT_MS: '1000',
      RECEIPTS_DIR: receiptsDir,
      RECEIPTS_BASE_URL: `http://127.0.0.1:${pdfPort}`,
      ANALYTICS_URL: `http://127.0.0.1:${analyticsPort}`,
      WEBHOOK_URL: webhooks.endpoint,
      WEBHOOK_SECRET: WebhookReceiver.SECRET,
      WEBHOOK_TIMEOUT_MS: '2000',
      ADMIN_TOKEN: 'e2e-admin-token-0123456789',
      ...options.env,
    };
    const envOf = (name: ServiceName) => ({
      ...common,
      ...(name === 'pdf' ? { PORT: String(pdfPort) } : {}),
      ...(name === 'analytics' ? { PORT: String(analyticsPort) } : {}),
      ...options.envOf?.[name],
    });
    const names: ServiceName[] = ['checkout', 'operations', ...FULFILLMENT_SERVICES];
    const starts = await Promise.allSettled(names.map((name) => ServiceProcess.start(name, envOf(name))));
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) {
      // One service never got ready: stop the ones that did, and free what was set up, before failing.
      await Promise.all(
        starts.map((start) => (start.status === 'fulfilled' ? start.value.stop() : undefined)),
      );
      await smtp.stop();
      await webhooks.stop();
      await shop.close();
      await database.drop();
      await rm(receiptsDir, { recursive: true, force: true });
      throw failed.reason;
    }
    const started = starts.map((start) => (start as PromiseFulfilledResult<ServiceProcess>).value);
    const services = Object.fromEntries(names.map((name, index) => [name, started[index]])) as Record<
      ServiceName,
      ServiceProcess
    >;
    const prisma = createPrismaClient(database.url, { poolSize: 3 });
    return new Stack(shop, smtp, webhooks, prisma, receiptsDir, services, database.drop);
  }

  /** POST /orders; resolves with the new order's id. */
  async placeOrder(
    email: string,
    items: { sku: string; quantity: number }[] = [{ sku: 'MUG-CLASSIC', quantity: 2 }],
  ): Promise<string> {
    const response = await fetch(`${this.services.checkout.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customer: { email, name: 'Grace Hopper' },
        items,
        payment: { cardNumber: '4242424242424242' },
      }),
    });
    if (response.status !== 201) throw new Error(`POST /orders: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  }

  /**
   * Another process of `name`, on a port of its own, with the stack's
   * environment for it plus `env`: a replica, or a replacement with other
   * settings. Stopped with the stack.
   */
  async startReplica(name: ServiceName, env: Record<string, string> = {}): Promise<ServiceProcess> {
    const { PORT: _port, ...base } = this.services[name].env;
    const replica = await ServiceProcess.start(name, { ...base, ...env });
    this.replicas.push(replica);
    return replica;
  }

  /** Stops one of the stack's processes (SIGKILL unless told otherwise) and starts it again on its port. */
  async restart(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.services[name].stop(signal);
    this.services[name] = await this.services[name].restart();
  }

  /** The operations service's API: a GET, or a POST of `body`; the status and the parsed answer. */
  async admin<T = unknown>(path: string, body?: object): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.services.operations.url}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** The dead letters the operations service's store holds parked for `service`, optionally of one order. */
  async parked(service: string, orderId?: string): Promise<ParkedDeadLetter[]> {
    const query = new URLSearchParams({ limit: '500', ...(orderId ? { order: orderId } : {}) });
    const { status, body } = await this.admin<{ items: ParkedDeadLetter[] }>(
      `/admin/dlq/${service}?${query}`,
    );
    if (status !== 200) throw new Error(`GET /admin/dlq/${service}: ${status}`);
    return body.items;
  }

  /** Replays, through the admin API, the parked dead letters of `service` (of one order, if given); returns them. */
  async replayParked(service: string, orderId?: string): Promise<ParkedDeadLetter[]> {
    const parked = await this.parked(service, orderId);
    if (parked.length === 0) return parked;
    const { status } = await this.admin(`/admin/dlq/${service}/replay`, {
      ids: parked.map(({ id }) => id),
      rate: 1_000,
    });
    if (status !== 200) throw new Error(`replay of ${service}'s dead letters: ${status}`);
    return parked;
  }

  async order(id: string): Promise<OrderView> {
    const response = await this.services.checkout.get(`/orders/${id}`);
    if (response.status !== 200) throw new Error(`GET /orders/${id}: ${response.status}`);
    return (await response.json()) as OrderView;
  }

  /** Waits until GET /orders/{id} shows every task in `status`; a timeout says what they were last. */
  async waitForAllTasks(id: string, status: TaskStatus, timeoutMs = 20_000): Promise<OrderView> {
    let last: OrderView | undefined;
    try {
      return await waitFor(
        `every task of order ${id} ${status}`,
        async () => {
          last = await this.order(id);
          const tasks = Object.values(last.fulfillment ?? {});
          return tasks.length === TASK_COUNT && tasks.every((task) => task.status === status) && last;
        },
        timeoutMs,
      );
    } catch (error) {
      const tasks = Object.entries(last?.fulfillment ?? {}).map(
        ([name, task]) => `${name} ${task.status} after ${task.attempts} attempt(s)`,
      );
      throw new Error(`${(error as Error).message}; last seen: ${tasks.join(', ') || 'no tasks'}`);
    }
  }

  /** The OrderCompleted event checkout wrote for an order, as it sits in the outbox. */
  async orderCompletedEventOf(orderId: string): Promise<EventEnvelope> {
    const rows = await this.prisma.outboxMessage.findMany({ where: { type: 'checkout.order.completed' } });
    const row = rows.find(
      (candidate) => (candidate.payload as { data: { orderId: string } }).data.orderId === orderId,
    );
    if (!row) throw new Error(`no OrderCompleted in the outbox for ${orderId}`);
    return row.payload as unknown as EventEnvelope;
  }

  /** Observable side effects of one order, counted where they happen. */
  async effectsOf(orderId: string, email: string) {
    const [movements, facts, receiptRows, received] = await Promise.all([
      this.prisma.stockMovement.findMany({ where: { orderId } }),
      this.prisma.orderFact.count({ where: { orderId } }),
      this.prisma.receipt.count({ where: { orderId } }),
      this.webhooks.deliveries(),
    ]);
    const files = (await readdir(this.receiptsDir)).filter((name) => name.startsWith(orderId));
    const webhooks = received.filter((delivery) => delivery.orderId === orderId);
    return { emails: this.smtp.mailsTo(email), files, movements, facts, receiptRows, webhooks };
  }

  async stop(): Promise<void> {
    await Promise.all([...Object.values(this.services), ...this.replicas].map((service) => service.stop()));
    await this.smtp.stop();
    await this.webhooks.stop();
    await this.shop.close();
    await this.prisma.$disconnect();
    await this.dropDatabase();
    await rm(this.receiptsDir, { recursive: true, force: true });
  }
}

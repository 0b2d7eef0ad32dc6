import { defineRegistry } from '@shared/messaging';
import { z } from 'zod';
import { SMTP_UNREACHABLE } from '../email';
import {
  ConfirmationSentV1,
  OrderCompletedV1,
  OrderRecordedV1,
  ReceiptGeneratedV1,
  ReviewRequestDueV1,
  SalesReportDueV1,
  StockReservedV1,
  WebhookDeliveredV1,
} from '../events';

/**
 * The shop: five services each do one task for every completed order, on a
 * queue of their own, and checkout follows their outcomes to show each
 * order's task status. Every process reads this one description: the queues
 * it declares, the outcome events, checkout's task list and status
 * projection, the demo. Adding a consumer is an entry here, a handler, and
 * a migration for its own schema (docs/adding-a-consumer.md). Its job
 * controls are properties of its entry too: a job queue, schedules, a rate
 * limit, a circuit breaker (docs/job-controls.md).
 */
export const SHOP_REGISTRY = defineRegistry({
  subject: { key: 'orderId', schema: z.uuid() },
  consumers: {
    email: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      description:
        "Sends the order's confirmation email to the customer, and in the same transaction schedules the review request (email.review-request.due). The event's id and the order are claimed before the send, so a duplicate sends nothing once a send has committed.",
      task: 'email',
      completed: ConfirmationSentV1,
      // Review requests and reports wait behind confirmations, in a queue of their own.
      jobs: {
        queue: 'jobs',
        consumes: [ReviewRequestDueV1, SalesReportDueV1],
        description:
          "Sends the email a job asks for: the review request, or the sales report (after reading analytics' summary). The job's id is claimed before the send, so a duplicate sends nothing once a send has committed. Jobs wait in a queue of their own, so confirmations never wait behind them.",
      },
      schedules: { 'sales-report': { cron: '0 8 * * 1', event: SalesReportDueV1 } },
      // No rate limit unless EMAIL_RATE_LIMIT sets one (the SMTP provider's allowance).
      circuitBreaker: { opensOn: [SMTP_UNREACHABLE] },
    },
    pdf: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      description:
        "Renders the order's PDF receipt and writes it where GET /receipts/{orderId}.pdf serves it. The file is written whole under the same name on every delivery, so a duplicate changes nothing.",
      task: 'receipt',
      completed: ReceiptGeneratedV1,
    },
    inventory: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      description:
        "Takes each SKU's ordered quantity off its stock, backordering what the stock cannot cover. The movements, the stock levels and the event's inbox record commit together, so a duplicate moves nothing.",
      task: 'inventory',
      completed: StockReservedV1,
    },
    analytics: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      description:
        "Records the order as one fact of the sales figures that GET /analytics/summary sums. The fact and the event's inbox record commit together, so a duplicate records nothing.",
      task: 'analytics',
      completed: OrderRecordedV1,
    },
    webhooks: {
      queue: 'order-completed',
      consumes: [OrderCompletedV1],
      description:
        "POSTs the order's event, signed (Standard Webhooks), to the merchant's endpoint; the event's id is the webhook-id, so the merchant drops a duplicate by it. A 2xx records the delivery with the event's inbox record, so a duplicate posts nothing once a delivery has committed; a 408, 429, 5xx or no answer is retried, any other 4xx parks the message at once.",
      task: 'webhook',
      completed: WebhookDeliveredV1,
    },
  },
  projector: {
    service: 'checkout',
    queue: 'task-outcomes',
    description:
      "Folds each task outcome into the order's task status and timeline of attempts, which GET /orders/{id} shows. The same outcome twice changes nothing, so it needs no inbox; an outcome for an order this checkout does not know is ignored.",
  },
});

export type ShopRegistry = typeof SHOP_REGISTRY;
/** A service of the shop that consumes OrderCompleted. */
export type ShopConsumer = keyof ShopRegistry['spec']['consumers'];

/** How one process of the shop is deployed: the facts every deployment list is made from. */
export interface ServiceManifest {
  /** The port it answers HTTP on: PORT's default, compose's published port, Prometheus's target. */
  port: number;
  /** Its workspace package (services/<name>). */
  package: `@shop/${string}`;
  /** Its Postgres login role and schema, both named after it; none for a process without tables. */
  database: boolean;
  /** Who calls it: shoppers (public), operators, or only the other processes and Prometheus (internal). */
  exposure: 'public' | 'operators' | 'internal';
  /** Whether it runs as several replicas on one queue (compose publishes no port for it). */
  scalesOut: boolean;
  /** What it does, in a line: the README's services table. */
  does: string;
  /**
   * A consumer whose Kubernetes manifests are the template's
   * (scripts/generate/kubernetes-consumers.ts): what its file's header says
   * of it, and how many replicas KEDA may run. Absent: hand-written manifests.
   */
  kubernetes?: {
    about: readonly string[];
    maxReplicas: number;
    /** More of its settings read from its Secret, with their development values (the dev overlay's). */
    secrets?: Record<string, string>;
  };
  /**
   * A consumer's compose block beyond what every consumer gets (the shared
   * environment, its own logins and port, failure knobs): more environment,
   * volumes, and the services it waits to be healthy besides the broker.
   */
  compose?: {
    environment?: Record<string, string>;
    volumes?: string[];
    waitsFor?: string[];
    /** A process that runs beside it in compose only (the merchant's receiver the webhooks POST to). */
    companion?: { name: string; command: string; port: number; environment: Record<string, string> };
  };
}

/** A consumer's facts: its deployment's, and its part in the classic checkout's story. */
export interface ConsumerManifest extends ServiceManifest {
  /**
   * How long the shopper waited for this task when the classic checkout did
   * it inline (the README's "Why"). The demo's classic route waits it again
   * for every task of the registry, so a new consumer must say its part.
   */
  classicInlineMs: number;
}

/**
 * Every process of the shop, in the order the docs list them. The registry
 * says what each consumer does with messages; this says how each process is
 * deployed. `npm run generate` writes the lists made from it (the README's
 * services table, .env.example's password lines, the Postgres role inputs)
 * and CI fails when one drifts; the dashboard, the checks and the tests read
 * it instead of lists of their own.
 */
export const SHOP_MANIFEST = {
  checkout: {
    port: 3000,
    package: '@shop/checkout',
    database: true,
    exposure: 'public',
    scalesOut: false,
    does: "takes the order and the payment, writes the event to its outbox and publishes it; records each task's outcome",
  },
  email: {
    port: 3001,
    package: '@shop/email',
    database: true,
    exposure: 'internal',
    scalesOut: true,
    does: 'sends the order confirmation, and the delayed and recurring emails (review request, sales report)',
    classicInlineMs: 2_000,
    compose: {
      // The job controls (docs/job-controls.md); an empty rate limit is none.
      environment: {
        EMAIL_RATE_LIMIT: '${EMAIL_RATE_LIMIT:-}',
        REVIEW_REQUEST_DELAY: '${REVIEW_REQUEST_DELAY:-24h}',
        SALES_REPORT_CRON: '${SALES_REPORT_CRON:-0 8 * * 1}',
        SALES_REPORT_TO: '${SALES_REPORT_TO:-ops@shop.example}',
      },
      waitsFor: ['mailpit'],
    },
  },
  pdf: {
    port: 3002,
    package: '@shop/pdf',
    database: true,
    exposure: 'public',
    scalesOut: false,
    does: 'renders the PDF receipt and serves it',
    classicInlineMs: 3_000,
    compose: { volumes: ['receipts:/app/receipts'] },
  },
  inventory: {
    port: 3003,
    package: '@shop/inventory',
    database: true,
    exposure: 'internal',
    scalesOut: false,
    does: 'reserves the stock of each line',
    classicInlineMs: 2_000,
    kubernetes: {
      about: [
        'reserves stock per order line and serves the stock levels. Scaled by KEDA on its',
        "work queue; replicas reserving the same products wait on each other's stock-row locks, hence",
        'the lower maximum.',
      ],
      maxReplicas: 3,
    },
  },
  analytics: {
    port: 3004,
    package: '@shop/analytics',
    database: true,
    exposure: 'internal',
    scalesOut: false,
    does: "records the order's facts and serves the summary",
    classicInlineMs: 1_000,
    kubernetes: {
      about: [
        'records order facts and serves the summary. Scaled by KEDA on its work queue;',
        'one replica drained 290 orders a second on the development machine (docs/benchmarks.md).',
      ],
      maxReplicas: 3,
    },
  },
  webhooks: {
    port: 3007,
    package: '@shop/webhooks',
    database: true,
    exposure: 'internal',
    scalesOut: false,
    does: "POSTs each completed order, signed, to the merchant's webhook endpoint",
    // The classic story gives its webhook call no time: 0 keeps its sum at 8.8 s.
    classicInlineMs: 0,
    compose: {
      // The merchant's endpoint: the receiver below unless WEBHOOK_URL names a real one.
      environment: {
        WEBHOOK_URL: '${WEBHOOK_URL:-http://webhook-receiver:3008/webhooks}',
        WEBHOOK_SECRET: '${WEBHOOK_SECRET:-whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtbm90LXNlY3JldA==}',
      },
      waitsFor: ['webhook-receiver'],
      companion: {
        name: 'webhook-receiver',
        command: 'services/webhooks/dist/receiver/main.js',
        port: 3008,
        environment: {
          WEBHOOK_SECRET: '${WEBHOOK_SECRET:-whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtbm90LXNlY3JldA==}',
          RECEIVER_FAIL_WITH: '${RECEIVER_FAIL_WITH:-}',
        },
      },
    },
    kubernetes: {
      about: [
        "POSTs each completed order, signed, to the merchant's endpoint (WEBHOOK_URL in its Secret).",
        'Scaled by KEDA on its work queue; each replica waits on the merchant, not the CPU.',
      ],
      maxReplicas: 4,
      secrets: {
        WEBHOOK_URL: 'https://merchant.example/webhooks',
        WEBHOOK_SECRET: 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtbm90LXNlY3JldA==',
      },
    },
  },
  operations: {
    port: 3009,
    package: '@shop/operations',
    database: true,
    exposure: 'operators',
    scalesOut: false,
    does: "the operators' API: drains every service's DLQ into its dead-letter store; search, replay, discard, the audit log; consumer and job controls",
  },
  dashboard: {
    port: 3005,
    package: '@shop/dashboard',
    database: false,
    exposure: 'operators',
    scalesOut: false,
    does: "the operators' page: queues, orders and their tasks, dead letters, jobs",
  },
} as const satisfies Record<ShopConsumer, ConsumerManifest> &
  Record<'checkout' | 'operations' | 'dashboard', ServiceManifest>;

export type ShopProcess = keyof typeof SHOP_MANIFEST;

/** The processes, in the manifest's order. */
export const SHOP_PROCESSES = Object.keys(SHOP_MANIFEST) as ShopProcess[];

/** The consumers of the registry, in its order. */
export const SHOP_CONSUMERS = Object.keys(SHOP_REGISTRY.spec.consumers) as ShopConsumer[];

/** The processes with a Postgres role and schema of their own. */
export const DATABASE_SERVICES = SHOP_PROCESSES.filter((name) => SHOP_MANIFEST[name].database);

/** The port of a process the registry names; a name the manifest lacks is a mistake, said at once. */
export function portOf(process: string): number {
  const entry: ServiceManifest | undefined = (SHOP_MANIFEST as Record<string, ServiceManifest>)[process];
  if (!entry) throw new Error(`contracts/src/registry/shop-registry.ts describes no process "${process}"`);
  return entry.port;
}

import type { ShopConsumer } from './shop-registry';

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
    does: "takes the order and the payment, writes the event to its outbox and publishes it; records each task's outcome; stores dead letters",
  },
  email: {
    port: 3001,
    package: '@shop/email',
    database: true,
    exposure: 'internal',
    scalesOut: true,
    does: 'sends the order confirmation, and the delayed and recurring emails (review request, sales report)',
  },
  pdf: {
    port: 3002,
    package: '@shop/pdf',
    database: true,
    exposure: 'public',
    scalesOut: false,
    does: 'renders the PDF receipt and serves it',
  },
  inventory: {
    port: 3003,
    package: '@shop/inventory',
    database: true,
    exposure: 'internal',
    scalesOut: false,
    does: 'reserves the stock of each line',
  },
  analytics: {
    port: 3004,
    package: '@shop/analytics',
    database: true,
    exposure: 'internal',
    scalesOut: false,
    does: "records the order's facts and serves the summary",
  },
  dashboard: {
    port: 3005,
    package: '@shop/dashboard',
    database: false,
    exposure: 'operators',
    scalesOut: false,
    does: "the operators' page: queues, orders and their tasks, dead letters, jobs",
  },
} as const satisfies Record<ShopConsumer | 'checkout' | 'dashboard', ServiceManifest>;

export type ShopProcess = keyof typeof SHOP_MANIFEST;

/** The processes, in the manifest's order. */
export const SHOP_PROCESSES = Object.keys(SHOP_MANIFEST) as ShopProcess[];

/** The processes with a Postgres role and schema of their own. */
export const DATABASE_SERVICES = SHOP_PROCESSES.filter((name) => SHOP_MANIFEST[name].database);

/** The port of a process the registry names; a name the manifest lacks is a mistake, said at once. */
export function portOf(process: string): number {
  const entry: ServiceManifest | undefined = (SHOP_MANIFEST as Record<string, ServiceManifest>)[process];
  if (!entry) throw new Error(`contracts/src/registry/shop-manifest.ts describes no process "${process}"`);
  return entry.port;
}

import {
  databaseVariables,
  httpVariables,
  loggingVariables,
  messagingVariables,
  shutdownDeadlineMs,
} from '@shared/core/config';
import type { Logger } from '@shared/core/logging';
import { labelledGaugeOnScrape } from '@shared/core/metrics';
import { tracingVariables } from '@shared/core/tracing';
import {
  type ApiDescription,
  createHttpApp,
  type ErrorTable,
  type HttpAppOptions,
  startHttpServer,
} from '@shared/http';
import type {
  ConsumerSpec,
  EventContract,
  EventOf,
  OutboxDatabase,
  Registry,
  ResultOf,
} from '@shared/messaging';
import {
  type Broker,
  connectBroker,
  type EventHandler,
  type InboxDatabase,
  type InboxTransaction,
  type MessagingConfig,
  OutcomeReporter,
} from '@shared/messaging';
import { JobControls } from './job-controls';
import { databaseAndBrokerReadiness, type ServiceDatabase } from './readiness';
import { exitOnStartupFailure, stopOnSignals } from './stop-on-signals';

/** The environment every consuming service reads; a service adds its own variables beside these. */
export const consumerVariables = (defaultPort: number) => ({
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(defaultPort),
  ...tracingVariables,
});

type ConsumedBy<Spec extends ConsumerSpec> = Spec['consumes'][number];
type JobsOf<Spec extends ConsumerSpec> = Spec['jobs'] extends { consumes: readonly (infer Job)[] }
  ? Job
  : never;

export interface ConsumerServiceOptions<
  Consumers extends Record<string, ConsumerSpec>,
  SubjectKey extends string,
  Service extends keyof Consumers & string,
  Tx extends InboxTransaction & OutboxDatabase,
> {
  registry: Registry<Consumers, SubjectKey>;
  /** Which of the registry's consumers this process is. */
  service: Service;
  config: MessagingConfig & { PORT: number; DATABASE_URL: string; METRICS_TOKEN?: string | undefined };
  logger: Logger;
  /** The service's database: readiness, and the inbox its handler runs effects through. */
  db: ServiceDatabase & InboxDatabase<Tx> & OutboxDatabase;
  /** What the service does for one event; it returns the data of its completed event. */
  handler: EventHandler<ConsumedBy<Consumers[Service]>, ResultOf<Consumers[Service], SubjectKey>, Tx>;
  /** What the service does for one of its jobs (the registry entry's `jobs`); required when it has jobs. */
  jobHandler?: EventHandler<Extract<JobsOf<Consumers[Service]>, EventContract>, unknown, Tx>;
  /** The service's own routes, besides /healthz, /readyz, /metrics and the API docs. */
  routes?: HttpAppOptions['routes'];
  /** The service's HTTP API, described: its document and the check of its routes (createHttpApp). */
  api: ApiDescription;
  /** The service's error codes and their HTTP answers. */
  errors?: ErrorTable;
  /** Closes the service's own resources (an SMTP pool...) after consuming has stopped. */
  onStop?: () => void | Promise<void>;
}

/**
 * What every consuming service shares once it has its config, logger and
 * database: the broker connection with the registry's queues (a conflicting
 * queue stops the process), HTTP with readiness, the subscription that runs
 * the handler and publishes its outcomes, and an orderly stop on SIGTERM:
 * HTTP, then consuming (in-flight messages finish), then the service's own
 * resources, then the database.
 */
export async function serveConsumer<
  Consumers extends Record<string, ConsumerSpec>,
  SubjectKey extends string,
  Service extends keyof Consumers & string,
  Tx extends InboxTransaction & OutboxDatabase,
>(options: ConsumerServiceOptions<Consumers, SubjectKey, Service, Tx>): Promise<Broker> {
  const { registry, service, config, logger, db } = options;
  const entry = registry.entry(service);
  const broker = await connectBroker(registry, config, logger, {
    service,
    onFatal: exitOnStartupFailure(logger),
  });

  const app = consumerHttpApp({
    logger,
    db,
    broker,
    api: options.api,
    routes: options.routes,
    errors: options.errors,
    metricsToken: config.METRICS_TOKEN,
  });
  // The right side of the conservation of events: what this service has done, by event type.
  labelledGaugeOnScrape(
    'shop_inbox_events',
    'Events this service has handled (its inbox), by type',
    ['service', 'type'],
    async () =>
      (
        await db.$queryRawUnsafe<{ event_type: string; n: number }[]>(
          `SELECT event_type, count(*)::int AS n FROM "${entry.inbox}".processed_events GROUP BY event_type`,
        )
      ).map(({ event_type, n }) => ({ labels: { service, type: event_type }, value: n })),
  );

  if (entry.jobs && !options.jobHandler)
    throw new Error(`${service} has jobs in the registry but no jobHandler`);
  const controls = new JobControls({
    entry,
    db,
    databaseUrl: config.DATABASE_URL,
    broker,
    handlerTimeoutMs: config.HANDLER_TIMEOUT_MS,
    logger,
  });
  await controls.start();
  const subscription = broker.subscribe({
    service,
    contracts: entry.consumes as readonly ConsumedBy<Consumers[Service]>[],
    handler: options.handler,
    ...(entry.jobs && options.jobHandler
      ? {
          jobs: {
            contracts: entry.jobs.consumes,
            handler: options.jobHandler as EventHandler<EventContract, unknown, Tx>,
          },
        }
      : {}),
    inbox: { db, schema: entry.inbox },
    reporter: new OutcomeReporter(registry as Registry, service),
    ...(controls.rateLimiter ? { rateLimiter: controls.rateLimiter } : {}),
    onHandled: (code, error) => controls.switch.outcome(code, error),
  });
  controls.drive(subscription);
  // Listening only now: /readyz is true once the service consumes (or holds, paused).
  const server = await startHttpServer(app, config.PORT, logger);

  stopOnSignals(
    logger,
    async () => {
      await server.close();
      await controls.stop();
      await broker.close();
      await controls.close();
      await options.onStop?.();
      await db.$disconnect();
    },
    shutdownDeadlineMs(config),
  );
  return broker;
}

/**
 * What a consuming service serves over HTTP: its own routes beside
 * /healthz, /readyz (its database and RabbitMQ) and /metrics. serveConsumer
 * serves it; a test can build the same app in-process.
 */
export function consumerHttpApp(options: {
  logger: Logger;
  db: Pick<ServiceDatabase, '$queryRawUnsafe'>;
  broker: Broker;
  api: ApiDescription;
  routes?: HttpAppOptions['routes'] | undefined;
  errors?: ErrorTable | undefined;
  metricsToken?: string | undefined;
}) {
  return createHttpApp({
    logger: options.logger,
    api: options.api,
    readiness: databaseAndBrokerReadiness(options.db, options.broker),
    routes: options.routes ?? (() => {}),
    ...(options.errors ? { errors: options.errors } : {}),
    metricsToken: options.metricsToken,
  });
}

/** The event type a registry consumer receives. */
export type EventFor<Spec extends ConsumerSpec> = EventOf<ConsumedBy<Spec>>;

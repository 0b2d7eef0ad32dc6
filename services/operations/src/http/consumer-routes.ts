import { permanentError } from '@shared/core/errors';
import { addRoute } from '@shared/http';
import type { Broker } from '@shared/messaging';
import type {
  ConsumerControlRow,
  ConsumerControls,
  DeadLetters,
  PendingJob,
  ScheduledJobs,
} from '@shared/operations';
import { ADMIN_ERRORS, OPERATIONS_ROUTES, requireAdmin } from '@shop/contracts/operations-api';
import { type NextFunction, type Request, type Response, Router } from 'express';
import { actorOf } from './operator-access';

export interface ConsumerAdminDeps {
  controls: ConsumerControls;
  jobs: ScheduledJobs;
  broker: Broker;
  /** The services that can be paused: every consumer that runs the runtime's consumer loop. */
  services: readonly string[];
  /** The operators' audit log, where every pause and resume is written. */
  audit: Pick<DeadLetters, 'record'>;
}

/**
 * The job controls, for operators (behind the same bearer token as /admin/dlq):
 *
 *   GET  /admin/consumers                    each service: paused, circuit, consumers, rate limit
 *   POST /admin/consumers/:service/pause     { actor? }  every replica stops taking messages
 *   POST /admin/consumers/:service/resume    { actor? }
 *   GET  /admin/jobs?service&limit           scheduled jobs by due time, parked jobs, recurring schedules
 *
 * A pause is a row in runtime.consumer_controls; every replica of the
 * service hears of it at once (NOTIFY) and holds: what it is handling
 * finishes, new messages wait in the queue. `npm run consumers` is a client.
 */
export function consumerAdminRoutes(deps: ConsumerAdminDeps, adminToken: string | undefined): Router {
  const router = Router();
  router.use(['/admin/consumers', '/admin/jobs'], requireAdmin(adminToken));
  const known = [knownService(deps.services)];

  addRoute(router, OPERATIONS_ROUTES.consumers, async (_input, _req, res) => {
    const rows = new Map((await deps.controls.list()).map((row) => [row.service, row]));
    const consumers = await consumerCounts(deps.broker, deps.services);
    res.json(
      deps.services.map((service) =>
        representation(rows.get(service) ?? { service }, consumers.get(service) ?? null),
      ),
    );
  });

  addRoute(
    router,
    OPERATIONS_ROUTES.pause,
    async ({ params: { service }, body: { actor: named } }, req, res) => {
      const row = await deps.controls.pause(service, actorOf(named));
      await deps.audit.record({ action: 'pause', service, actor: actorOf(named) });
      req.log.warn({ service, by: row.pausedBy }, 'consumer paused');
      res.json(representation(row, (await consumerCounts(deps.broker, [service])).get(service) ?? null));
    },
    known,
  );

  addRoute(
    router,
    OPERATIONS_ROUTES.resume,
    async ({ params: { service }, body: { actor: named } }, req, res) => {
      const row = await deps.controls.resume(service);
      await deps.audit.record({ action: 'resume', service, actor: actorOf(named) });
      req.log.warn({ service, by: actorOf(named) }, 'consumer resumed');
      res.json(representation(row, (await consumerCounts(deps.broker, [service])).get(service) ?? null));
    },
    known,
  );

  addRoute(router, OPERATIONS_ROUTES.jobs, async ({ query: { service, limit } }, _req, res) => {
    const filter = { ...(service ? { service } : {}), limit };
    const [scheduled, parked, recurring] = await Promise.all([
      deps.jobs.pending(filter),
      deps.jobs.parked(filter),
      deps.jobs.recurring(),
    ]);
    const job = ({ id, service, type, dueAt, subject, attempts, lastError }: PendingJob) => ({
      id,
      service,
      type,
      dueAt: dueAt.toISOString(),
      subject,
      attempts,
      lastError,
    });
    res.json({
      scheduled: scheduled.map(job),
      parked: parked.map((parkedJob) => ({ ...job(parkedJob), parkedAt: parkedJob.parkedAt.toISOString() })),
      recurring: recurring.map(({ service, name, cron, nextDueAt, lastDueAt }) => ({
        service,
        name,
        cron,
        nextDueAt: nextDueAt ? new Date(nextDueAt).toISOString() : null,
        lastDueAt: lastDueAt ? new Date(lastDueAt).toISOString() : null,
      })),
    });
  });

  return router;
}

/** A service's controls as the API shows them; a service never paused nor tripped has no row. */
function representation(row: Partial<ConsumerControlRow> & { service: string }, consumers: number | null) {
  const iso = (at: Date | null | undefined) => (at ? new Date(at).toISOString() : null);
  return {
    service: row.service,
    paused: Boolean(row.pausedAt),
    pausedAt: iso(row.pausedAt),
    pausedBy: row.pausedBy ?? null,
    circuit: {
      state: row.circuit ?? 'closed',
      openedAt: iso(row.circuitOpenedAt),
      until: iso(row.circuitUntil),
      lastError: row.lastError ?? null,
    },
    consumers,
    rateLimit: row.rateLimit ?? null,
  };
}

/**
 * Consumers on each service's work queue, as the broker counts them: a
 * paused or open-circuit service shows 0 while its replicas are up. Null
 * while the broker cannot be asked.
 */
async function consumerCounts(broker: Broker, services: readonly string[]): Promise<Map<string, number>> {
  return broker
    .withChannel(async (channel) => {
      const counts = new Map<string, number>();
      for (const queues of broker.topology.services) {
        if (!services.includes(queues.service)) continue;
        counts.set(queues.service, (await channel.checkQueue(queues.workQueue)).consumerCount);
      }
      return counts;
    })
    .catch(() => new Map<string, number>());
}

function knownService(services: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const service = String(req.params.service);
    if (services.includes(service)) return next();
    throw permanentError(ADMIN_ERRORS.unknownConsumer, 'Not Found', {
      details: { detail: `No consumer "${service}"; known: ${services.join(', ')}` },
    });
  };
}

/**
 * The consumers' job controls, for operators (docs/job-controls.md).
 *
 *   npm run consumers -- list               each service: running or paused, circuit, consumers, rate limit
 *   npm run consumers -- pause <service>    every replica stops taking messages; in-flight ones finish
 *   npm run consumers -- resume <service>
 *   npm run consumers -- jobs               scheduled jobs by due time, parked jobs, recurring schedules
 *
 * A client of the operations service's API (OPERATIONS_URL, ADMIN_TOKEN), like `npm run dlq`.
 */
import { hostname, userInfo } from 'node:os';
import { Command } from 'commander';
import { adminApi } from './admin-api';

interface ConsumerState {
  service: string;
  paused: boolean;
  pausedBy: string | null;
  circuit: { state: string; until: string | null; lastError: string | null };
  consumers: number | null;
  rateLimit: string | null;
}

interface Jobs {
  scheduled: { id: string; service: string; type: string; dueAt: string; subject: string | null }[];
  parked: {
    id: string;
    service: string;
    type: string;
    subject: string | null;
    attempts: number;
    lastError: string | null;
    parkedAt: string;
  }[];
  recurring: {
    service: string;
    name: string;
    cron: string;
    nextDueAt: string | null;
    lastDueAt: string | null;
  }[];
}

const actor = `${userInfo().username}@${hostname()}`;

const describe = (state: ConsumerState) => ({
  service: state.service,
  state: state.paused ? `paused by ${state.pausedBy}` : 'running',
  circuit:
    state.circuit.state === 'closed'
      ? 'closed'
      : `${state.circuit.state} until ${state.circuit.until} (${state.circuit.lastError ?? ''})`,
  consumers: state.consumers ?? '?',
  'rate limit': state.rateLimit ?? 'none',
});

const program = new Command('consumers').description("The consumers' pause, circuit breakers and jobs");

program
  .command('list')
  .description('every consumer: running or paused, its circuit, consumers on its queue, its rate limit')
  .action(async () => {
    console.table((await adminApi<ConsumerState[]>('/admin/consumers')).map(describe));
  });

for (const verb of ['pause', 'resume'] as const) {
  program
    .command(`${verb} <service>`)
    .description(
      verb === 'pause'
        ? 'stop taking messages on every replica; what is in flight finishes, the queue buffers'
        : 'take messages again',
    )
    .action(async (service: string) => {
      const state = await adminApi<ConsumerState>(`/admin/consumers/${encodeURIComponent(service)}/${verb}`, {
        actor,
      });
      console.table([describe(state)]);
    });
}

program
  .command('jobs')
  .description('scheduled jobs, soonest first, the parked ones, and the recurring schedules')
  .option('--service <name>', 'only this service')
  .action(async (options: { service?: string }) => {
    const query = options.service ? `?service=${encodeURIComponent(options.service)}` : '';
    const jobs = await adminApi<Jobs>(`/admin/jobs${query}`);
    console.log('Recurring');
    console.table(jobs.recurring);
    console.log(`Scheduled (${jobs.scheduled.length} shown)`);
    console.table(
      jobs.scheduled.map(({ service, type, dueAt, subject }) => ({ service, type, dueAt, subject })),
    );
    // Parked: the relay stopped publishing them; docs/job-controls.md says how to release them.
    console.log(`Parked (${jobs.parked.length} shown)`);
    console.table(
      jobs.parked.map(({ id, service, type, subject, attempts, lastError, parkedAt }) => ({
        id,
        service,
        type,
        subject,
        attempts,
        parkedAt,
        lastError,
      })),
    );
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

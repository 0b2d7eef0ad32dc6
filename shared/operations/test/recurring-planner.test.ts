import { randomUUID } from 'node:crypto';
import { createEvent } from '@shared/messaging';
import { JOBS_TABLE, jobId, RecurringPlanner, scheduleJob } from '@shared/operations';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { SalesReportDueV1 } from '@shop/contracts/events';
import { databaseUrl, testLogger } from '../../../test/support';

/**
 * A replica that starts after the schedule's runs were missed catches up with
 * one run covering the gap since the last run. A run another replica's relay
 * is publishing at that moment is a run that happened: the catch-up must
 * neither delete it nor cover its period again.
 */
describe('recurring planner', () => {
  let prisma: PrismaClient;
  const planners: RecurringPlanner[] = [];

  beforeAll(() => {
    prisma = createPrismaClient(databaseUrl());
  });

  afterAll(async () => {
    for (const planner of planners) planner.stop();
    await prisma.$disconnect();
  });

  /** The row of one run of `schedule`, as a planner writes it (with its id, when `plannerId`). */
  async function run(service: string, schedule: string, occurrence: Date, since: Date, plannerId = false) {
    const id = plannerId ? jobId(`${service}/${schedule}/${occurrence.toISOString()}`) : randomUUID();
    const event = createEvent(
      SalesReportDueV1,
      { schedule, scheduledFor: occurrence.toISOString(), since: since.toISOString() },
      { id, correlationId: `schedule:${service}:${schedule}`, occurredAt: occurrence },
    );
    await scheduleJob(prisma, { service, event, dueAt: occurrence, schedule });
    return event.id;
  }

  const sinceOfRuns = async (service: string) =>
    (
      await prisma.$queryRawUnsafe<{ scheduledFor: string; since: string }[]>(
        `SELECT payload->'data'->>'scheduledFor' AS "scheduledFor", payload->'data'->>'since' AS since
         FROM ${JOBS_TABLE} WHERE service = $1 ORDER BY due_at, payload->'data'->>'scheduledFor'`,
        service,
      )
    ).map(({ scheduledFor, since }) => ({ since: Date.parse(since), until: Date.parse(scheduledFor) }));

  test('When a replica catches up while another relay is publishing a run, then that run stays and the catch-up starts where it ends', async () => {
    const service = `planner-${randomUUID().slice(0, 8)}`;
    const schedule = 'report';
    // One clock reading for every time below, on a whole second as the cron's occurrences are.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const secondsAgo = (seconds: number) => new Date(now - seconds * 1000);
    // A run published 20 s ago, and the next one (10 s ago) claimed by a relay just now:
    // its lease moved next_attempt_at ahead, and it is not marked published yet.
    const published = await run(service, schedule, secondsAgo(20), secondsAgo(30));
    await prisma.$executeRawUnsafe(
      `UPDATE ${JOBS_TABLE} SET published_at = now() WHERE id = $1::uuid`,
      published,
    );
    const claimed = await run(service, schedule, secondsAgo(10), secondsAgo(20));
    await prisma.$executeRawUnsafe(
      `UPDATE ${JOBS_TABLE} SET next_attempt_at = now() + interval '30 seconds' WHERE id = $1::uuid`,
      claimed,
    );

    const planner = new RecurringPlanner(
      prisma,
      service,
      [{ name: schedule, cron: '* * * * * *', event: SalesReportDueV1 }],
      testLogger(),
    );
    planners.push(planner);
    await planner.start();
    planner.stop();

    const stillThere = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM ${JOBS_TABLE} WHERE id = $1::uuid`,
      claimed,
    );
    expect(stillThere).toHaveLength(1);
    // Every run starts where the one before it ended: no period covered twice, none left out.
    const runs = await sinceOfRuns(service);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (let index = 1; index < runs.length; index++) {
      expect([index, runs[index]!.since]).toEqual([index, runs[index - 1]!.until]);
    }
  });

  test('When replicas start together after every one stopped, then one of them catches up: no period is covered twice', async () => {
    // Each round: a schedule every second, unattended for 10 s, then replicas starting at once
    // just before a second boundary, so some see one occurrence as the missed one and some the
    // next. Two catch-ups would both start at the last run that went out.
    for (let round = 0; round < 5; round++) {
      const service = `planner-${randomUUID().slice(0, 8)}`;
      const schedule = 'report';
      await prisma.$executeRawUnsafe(
        `INSERT INTO runtime.schedules (service, name, cron, updated_at)
         VALUES ($1, $2, '* * * * * *', now() - interval '10 seconds')`,
        service,
        schedule,
      );
      const lastRun = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000);
      const published = await run(service, schedule, lastRun, new Date(lastRun.getTime() - 1_000), true);
      await prisma.$executeRawUnsafe(
        `UPDATE ${JOBS_TABLE} SET published_at = now() WHERE id = $1::uuid`,
        published,
      );

      await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) - 3));
      const replicas = Array.from(
        { length: 4 },
        () =>
          new RecurringPlanner(
            prisma,
            service,
            [{ name: schedule, cron: '* * * * * *', event: SalesReportDueV1 }],
            testLogger(),
          ),
      );
      planners.push(...replicas);
      await Promise.all(replicas.map((replica) => replica.start()));
      for (const replica of replicas) replica.stop();

      const runs = await sinceOfRuns(service);
      runs.sort((a, b) => a.until - b.until);
      expect(new Set(runs.map(({ until }) => until)).size).toBe(runs.length);
      for (let index = 1; index < runs.length; index++) {
        expect([round, index, runs[index]!.since]).toEqual([round, index, runs[index - 1]!.until]);
      }
    }
  });

  test('When a schedule starts with another cron, then no run the old cron planned is left to go out, however due it is', async () => {
    const service = `planner-${randomUUID().slice(0, 8)}`;
    const schedule = 'report';
    const now = Math.floor(Date.now() / 1000) * 1000;
    const secondsAgo = (seconds: number) => new Date(now - seconds * 1000);
    // A replica ran the report every 2 s and stopped: one run went out, two it had planned
    // ahead fell due while none ran, one is still ahead.
    await prisma.$executeRawUnsafe(
      `INSERT INTO runtime.schedules (service, name, cron) VALUES ($1, $2, '*/2 * * * * *')`,
      service,
      schedule,
    );
    const published = await run(service, schedule, secondsAgo(6), secondsAgo(8));
    await prisma.$executeRawUnsafe(
      `UPDATE ${JOBS_TABLE} SET published_at = now() WHERE id = $1::uuid`,
      published,
    );
    const due = [
      await run(service, schedule, secondsAgo(4), secondsAgo(6)),
      await run(service, schedule, secondsAgo(2), secondsAgo(4)),
    ];
    const ahead = await run(service, schedule, new Date(now + 2_000), secondsAgo(2));

    // Now a replica starts with the weekly report instead.
    const planner = new RecurringPlanner(
      prisma,
      service,
      [{ name: schedule, cron: '0 8 * * 1', event: SalesReportDueV1 }],
      testLogger(),
    );
    planners.push(planner);
    await planner.start();
    planner.stop();

    const left = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM ${JOBS_TABLE} WHERE service = $1 AND published_at IS NULL AND id = ANY($2::uuid[])`,
      service,
      [...due, ahead],
    );
    expect(left).toEqual([]);
    const [announced] = await prisma.$queryRawUnsafe<{ cron: string }[]>(
      'SELECT cron FROM runtime.schedules WHERE service = $1 AND name = $2',
      service,
      schedule,
    );
    expect(announced?.cron).toBe('0 8 * * 1');
  });

  test('When a replica starts while another runs the schedule, then it leaves the runs the other planned, however late its relay: no run covers two periods', async () => {
    const service = `planner-${randomUUID().slice(0, 8)}`;
    const schedule = 'report';
    const now = Math.floor(Date.now() / 1000) * 1000;
    const secondsAgo = (seconds: number) => new Date(now - seconds * 1000);
    // The other replica is alive: it planned a moment ago, two runs ahead as it does. One run
    // went out; the two due since wait for its relay, which is busy and has not taken them.
    await prisma.$executeRawUnsafe(
      `INSERT INTO runtime.schedules (service, name, cron, updated_at) VALUES ($1, $2, '*/2 * * * * *', now())`,
      service,
      schedule,
    );
    const published = await run(service, schedule, secondsAgo(6), secondsAgo(8), true);
    await prisma.$executeRawUnsafe(
      `UPDATE ${JOBS_TABLE} SET published_at = now() WHERE id = $1::uuid`,
      published,
    );
    const due = [
      await run(service, schedule, secondsAgo(4), secondsAgo(6), true),
      await run(service, schedule, secondsAgo(2), secondsAgo(4), true),
    ];
    for (const ahead of [0, -2, -4])
      await run(service, schedule, secondsAgo(ahead), secondsAgo(ahead + 2), true);

    const planner = new RecurringPlanner(
      prisma,
      service,
      [{ name: schedule, cron: '*/2 * * * * *', event: SalesReportDueV1 }],
      testLogger(),
    );
    planners.push(planner);
    await planner.start();
    planner.stop();

    const left = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id::text AS id FROM ${JOBS_TABLE} WHERE service = $1 AND id = ANY($2::uuid[])`,
      service,
      due,
    );
    expect(left.map(({ id }) => id).sort()).toEqual([...due].sort());
    const runs = await sinceOfRuns(service);
    expect(runs.filter(({ since, until }) => until - since > 2_000)).toEqual([]);
  });
});

import { readdir, readFile } from 'node:fs/promises';
import type { PrismaClient } from '../../contracts/src/database';
import { BENCH_APPLICATION_NAME, sleep } from './environment';
import { cpuSecondsOf } from './processes';

/**
 * The CPU that Postgres and RabbitMQ spend for a run, read from /proc like
 * the services' own (the benchmarks run on the machine that hosts both).
 *
 * - Postgres: the backends connected to the run's own database
 *   (pg_stat_activity), so other databases' work is left out, and so are
 *   the bench's own connections (its application_name). The WAL
 *   writer and checkpointer, shared by every database, are not counted.
 * - RabbitMQ: the whole broker process (beam.smp), which also serves
 *   whatever else uses this broker; `brokerIdleRate` measures that
 *   background beforehand so it can be taken off.
 */
export class ServerCpu {
  /** Every backend seen so far, with its CPU seconds when last read (a closed one keeps its last). */
  private readonly backends = new Map<number, number>();

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly database: string,
    private readonly brokerPid: number | undefined,
  ) {}

  static async start(prisma: PrismaClient, databaseUrl: string): Promise<ServerCpu> {
    return new ServerCpu(prisma, new URL(databaseUrl).pathname.slice(1), await findProcess('beam.smp'));
  }

  /** CPU seconds so far: the run's Postgres backends together, and the broker (NaN if not on this machine). */
  async read(): Promise<{ postgres: number; broker: number }> {
    const rows = await this.prisma.$queryRawUnsafe<{ pid: number }[]>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name <> $2',
      this.database,
      BENCH_APPLICATION_NAME,
    );
    for (const { pid } of rows) {
      // A backend may close between the query and the read; it keeps what it had.
      const seconds = await cpuSecondsOf(pid).catch(() => undefined);
      if (seconds !== undefined) this.backends.set(pid, seconds);
    }
    // None readable: Postgres runs elsewhere, and its CPU is not this machine's to read.
    const postgres =
      this.backends.size === 0
        ? Number.NaN
        : [...this.backends.values()].reduce((sum, seconds) => sum + seconds, 0);
    const broker = this.brokerPid === undefined ? Number.NaN : await cpuSecondsOf(this.brokerPid);
    return { postgres, broker };
  }

  /** The broker's CPU seconds per second while this run sends it nothing: other users' share. */
  async brokerIdleRate(seconds = 3): Promise<number> {
    if (this.brokerPid === undefined) return Number.NaN;
    const before = await cpuSecondsOf(this.brokerPid);
    await sleep(seconds * 1000);
    return ((await cpuSecondsOf(this.brokerPid)) - before) / seconds;
  }
}

/**
 * The longest-running process whose command name is `name`, if one is
 * visible: the machine's own broker rather than nodes a test started beside it.
 */
async function findProcess(name: string): Promise<number | undefined> {
  let oldest: { pid: number; startedAt: number } | undefined;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!stat.includes(`(${name})`)) continue;
    // starttime, field 22 of /proc/<pid>/stat: clock ticks after boot.
    const startedAt = Number(stat.split(') ')[1]?.split(' ')[19]);
    if (!oldest || startedAt < oldest.startedAt) oldest = { pid: Number(entry), startedAt };
  }
  return oldest?.pid;
}

import { deleteTopology, type Topology } from '@shared/messaging';
import { connect } from 'amqplib';
import { environment } from '../../scripts/database/scratch-run';

// A run's own database and name, which the chaos run shares with the benchmarks.
export {
  BENCH_APPLICATION_NAME,
  benchDatabase,
  benchRun,
  environment,
} from '../../scripts/database/scratch-run';

/** A broker that takes the socket but never answers the handshake fails the run instead of hanging it. */
const BROKER_SOCKET = { timeout: 10_000 };

export async function removeTopology(topology: Topology): Promise<void> {
  const connection = await connect(environment.AMQP_URL[0]!, BROKER_SOCKET);
  await deleteTopology(await connection.createChannel(), topology);
  await connection.close();
}

export async function queueDepth(queue: string): Promise<number> {
  const connection = await connect(environment.AMQP_URL[0]!, BROKER_SOCKET);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The q-quantile of unsorted samples (nearest rank). */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** One measured row of the P1-P6 table: the value, the baseline it is compared with, and the target. */
export interface BenchRow {
  id: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

export function printRows(title: string, rows: BenchRow[]) {
  console.log(`\n${title}`);
  console.table(
    rows.map(({ id, measure, value, baseline, ratio, target, met }) => ({
      id,
      measure,
      value,
      baseline,
      ratio,
      target,
      met: met ? 'yes' : 'no',
    })),
  );
}

export const fixed = (value: number, digits = 0) => value.toFixed(digits);

/**
 * The dead-letter queues, for operators (docs/dead-letters.md).
 *
 *   npm run dlq -- list                      every service's DLQ depth and oldest message age
 *   npm run dlq -- show <service>            the parked messages, with why they were parked
 *   npm run dlq -- replay <service>          back to the service's work queue, attempt count reset
 *   npm run dlq -- discard <service>         removed for good, with a reason
 *
 * show, replay and discard take --limit <n>, --order <id> and --error <text>.
 * A client of checkout's admin API: reads CHECKOUT_URL (default
 * http://localhost:3000) and ADMIN_TOKEN, so every action is audited by
 * checkout, the same as from the dashboard.
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { adminApi as api } from './admin-api';

interface FilterOptions {
  limit?: number;
  order?: string;
  error?: string;
  json?: boolean;
  actor: string;
}

interface Summary {
  service: string;
  queue: string;
  depth: number;
  oldestAgeMs: number | null;
}

interface ParkedMessage {
  messageId: string;
  type: string | null;
  orderId: string | null;
  correlationId: string | null;
  attempts: number;
  firstFailureAt: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  reason: string | null;
  deadLetteredAt: string | null;
}

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
};
const positiveNumber = (value: string) => {
  const parsed = Number(value);
  if (!(parsed > 0)) throw new InvalidArgumentError('expected a positive number');
  return parsed;
};

const query = (options: FilterOptions) =>
  new URLSearchParams(
    Object.entries({ limit: options.limit, order: options.order, error: options.error }).flatMap(
      ([key, value]): [string, string][] => (value === undefined ? [] : [[key, String(value)]]),
    ),
  ).toString();

/**
 * Replays or discards in rounds of about a second's work each, so the bar
 * moves and Ctrl-C stops between rounds; a round that acts on fewer messages
 * than it asked for ends the run.
 */
async function inRounds(
  verb: string,
  service: string,
  options: FilterOptions,
  perRound: number,
  act: (limit: number) => Promise<number>,
) {
  const total =
    (await api<Summary[]>('/admin/dlq')).find((summary) => summary.service === service)?.depth ?? 0;
  const wanted = Math.min(options.limit ?? total, total);
  const bar = progressBar(verb, wanted);
  const signal = stopOnInterrupt();
  let done = 0;
  try {
    while (done < wanted && !signal.aborted) {
      const asked = Math.min(perRound, wanted - done);
      const acted = await act(asked);
      done += acted;
      bar.update(done);
      if (acted < asked) break;
    }
  } finally {
    bar.stop();
  }
  return done;
}

/** Ctrl-C stops after the current message; everything not yet handled stays in the DLQ. */
function stopOnInterrupt(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nStopping after the current message; the rest stay in the DLQ.');
    controller.abort();
  });
  return controller.signal;
}

function progressBar(verb: string, total: number) {
  const bar = new SingleBar({
    format: `${verb} {value}/{total} [{bar}] {percentage}% | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(total, 0);
  return { update: (done: number) => bar.update(done), stop: () => bar.stop() };
}

const bodyOf = (options: FilterOptions) => ({
  actor: options.actor,
  ...(options.order ? { orderId: options.order } : {}),
  ...(options.error ? { errorContains: options.error } : {}),
});

function formatAge(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

function printMessages(messages: ParkedMessage[]) {
  if (messages.length === 0) return console.log('No parked messages match.');
  for (const message of messages) {
    console.log(`${message.messageId}  ${message.type ?? '(unknown type)'}  order ${message.orderId ?? '-'}`);
    console.log(`  attempts ${message.attempts}, reason ${message.reason ?? '-'}`);
    console.log(`  first failure ${message.firstFailureAt ?? '-'}, parked ${message.deadLetteredAt ?? '-'}`);
    console.log(`  correlation ${message.correlationId ?? '-'}`);
    console.log(
      `  last error ${message.lastErrorCode ? `[${message.lastErrorCode}] ` : ''}${message.lastError ?? '-'}`,
    );
  }
  console.log(`${messages.length} message(s).`);
}

/** Asks for a discard reason on a terminal; without one, a discard needs --reason. */
async function discardReason(given: string | undefined): Promise<string> {
  if (given?.trim()) return given.trim();
  if (!process.stdin.isTTY) {
    throw new InvalidArgumentError('discard needs a reason: pass --reason "<why>" (no terminal to ask on)');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question('Why are these messages being discarded? ')).trim();
    if (!answer) throw new InvalidArgumentError('a discard needs a reason; nothing was discarded');
    return answer;
  } finally {
    prompt.close();
  }
}

function withFilters(command: Command): Command {
  return command
    .option('--limit <n>', 'act on at most n messages', positiveInteger)
    .option('--order <id>', 'only the messages of this order id')
    .option('--error <text>', 'only messages whose last error contains text (case-insensitive)')
    .addOption(new Option('--actor <name>', 'who you are, for the audit log').default(defaultActor()));
}

function defaultActor(): string {
  const user = process.env.USER ?? safeUserName();
  return `${user}@${hostname()}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const program = new Command('dlq').description('Inspect, replay and discard dead-lettered messages.');

program
  .command('list')
  .description("every service's DLQ depth and the age of its oldest message")
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const summaries = await api<Summary[]>('/admin/dlq');
    if (options.json) return console.log(JSON.stringify(summaries, null, 2));
    console.table(
      summaries.map(({ service, queue, depth, oldestAgeMs }) => ({
        service,
        queue,
        depth,
        oldest: formatAge(oldestAgeMs),
      })),
    );
  });

withFilters(program.command('show <service>').description('the parked messages and why they were parked'))
  .option('--json', 'print JSON')
  .action(async (service: string, options: FilterOptions) => {
    const messages = await api<ParkedMessage[]>(
      `/admin/dlq/${encodeURIComponent(service)}?${query(options)}`,
    );
    if (options.json) console.log(JSON.stringify(messages, null, 2));
    else printMessages(messages);
  });

withFilters(program.command('replay <service>').description("back to the service's work queue, attempt 1"))
  .option('--rate <per-second>', 'replays per second at most', positiveNumber, 10)
  .action(async (service: string, options: FilterOptions & { rate: number }) => {
    const replayed = await inRounds('replayed', service, options, Math.ceil(options.rate), async (limit) => {
      const result = await api<{ replayed: number }>(`/admin/dlq/${encodeURIComponent(service)}/replay`, {
        ...bodyOf(options),
        limit,
        rate: options.rate,
      });
      return result.replayed;
    });
    console.log(`Replayed ${replayed} message(s) from ${service} as ${options.actor}.`);
  });

withFilters(program.command('discard <service>').description('remove for good, recording the reason'))
  .option('--reason <why>', 'recorded with each discarded message (asked for on a terminal if missing)')
  .action(async (service: string, options: FilterOptions & { reason?: string }) => {
    const reason = await discardReason(options.reason);
    const discarded = await inRounds('discarded', service, options, 100, async (limit) => {
      const result = await api<{ discarded: number }>(`/admin/dlq/${encodeURIComponent(service)}/discard`, {
        ...bodyOf(options),
        limit,
        reason,
      });
      return result.discarded;
    });
    console.log(`Discarded ${discarded} message(s) from ${service} as ${options.actor}: ${reason}`);
  });

program.parseAsync().catch((error: Error) => {
  console.error(`dlq: ${error.message}`);
  process.exitCode = 1;
});

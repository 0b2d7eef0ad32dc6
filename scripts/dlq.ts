/**
 * The dead letters, for operators (docs/dead-letters.md).
 *
 *   npm run dlq -- list                      every service: parked, the oldest, still arriving
 *   npm run dlq -- show <service>            the dead letters a filter selects, and why each was parked
 *   npm run dlq -- read <service> <id>       one dead letter with its headers and body
 *   npm run dlq -- replay <service>          back to the service's work queue, attempt count reset
 *   npm run dlq -- discard <service>         settled for good, with a reason
 *
 * Filters: --order, --type, --code, --error, --since, --until. replay and
 * discard first ask for a dry run, print what it selected, and act on exactly
 * those ids (--dry-run stops there; --yes skips the question). A client of
 * checkout's admin API: reads CHECKOUT_URL (default http://localhost:3000) and
 * ADMIN_TOKEN, so every action is audited by checkout, the same as from the
 * dashboard.
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import ms from 'ms';
import { adminApi as api } from './admin-api';

interface Summary {
  service: string;
  queue: string;
  parked: number;
  oldestAgeMs: number | null;
  arriving: number | null;
}

interface DeadLetter {
  id: string;
  messageId: string;
  type: string | null;
  orderId: string | null;
  correlationId: string | null;
  attempts: number;
  reason: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  firstFailureAt: string | null;
  parkedAt: string;
  state: string;
}

interface Page {
  items: DeadLetter[];
  total: number;
  next: string | null;
}

interface Preview {
  target: string | null;
  ids: string[];
  matching: number;
  groups: { type: string | null; lastErrorCode: string | null; reason: string | null; count: number }[];
  skipped: { id: string; state: string }[];
}

interface FilterOptions {
  order?: string;
  type?: string;
  code?: string;
  error?: string;
  since?: string;
  until?: string;
  state?: string;
  id?: string[];
  limit?: number;
  json?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  actor: string;
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
/** An ISO time, or a duration ago ("2h": two hours ago), as the API's ISO time. */
const instant = (value: string) => {
  const ago = ms(value as ms.StringValue);
  const at = typeof ago === 'number' && Number.isFinite(ago) ? new Date(Date.now() - ago) : new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new InvalidArgumentError('expected an ISO time or a duration ago, e.g. 2h');
  return at.toISOString();
};
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The filter as the API names it. */
const filterOf = (options: FilterOptions) =>
  Object.fromEntries(
    Object.entries({
      state: options.state,
      order: options.order,
      type: options.type,
      code: options.code,
      error: options.error,
      since: options.since,
      until: options.until,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

const path = (service: string, rest = '') => `/admin/dlq/${encodeURIComponent(service)}${rest}`;

/** Every dead letter the filter selects, page by page, at most `limit`. */
async function search(
  service: string,
  options: FilterOptions,
): Promise<{ items: DeadLetter[]; total: number }> {
  const items: DeadLetter[] = [];
  let total = 0;
  let after: string | null = null;
  const wanted = options.limit ?? Number.POSITIVE_INFINITY;
  do {
    const query = new URLSearchParams({
      ...filterOf(options),
      limit: String(Math.min(500, wanted - items.length)),
      ...(after ? { after } : {}),
    });
    const page: Page = await api<Page>(`${path(service)}?${query}`);
    items.push(...page.items);
    total = page.total;
    after = page.next;
  } while (after && items.length < wanted);
  return { items, total };
}

function printDeadLetters(items: DeadLetter[], total: number) {
  if (items.length === 0) return console.log('No dead letters match.');
  for (const item of items) {
    console.log(`${item.id}  ${item.type ?? '(unknown type)'}  order ${item.orderId ?? '-'}  ${item.state}`);
    console.log(`  message ${item.messageId}, attempts ${item.attempts}, reason ${item.reason ?? '-'}`);
    console.log(`  first failure ${item.firstFailureAt ?? '-'}, parked ${item.parkedAt}`);
    console.log(
      `  last error ${item.lastErrorCode ? `[${item.lastErrorCode}] ` : ''}${item.lastError ?? '-'}`,
    );
  }
  console.log(`${items.length} of ${total} dead letter(s).`);
}

function printPreview(verb: string, service: string, preview: Preview) {
  const more =
    preview.matching > preview.ids.length ? ` (of ${preview.matching} matching; raise --limit)` : '';
  console.log(`Would ${verb} ${preview.ids.length} dead letter(s) of ${service}${more}.`);
  if (preview.target) console.log(`  to ${preview.target}, the service's work queue`);
  for (const group of preview.groups) {
    console.log(
      `  ${String(group.count).padStart(6)}  ${group.type ?? '(unknown type)'}  ${group.lastErrorCode ?? '-'}  ${group.reason ?? '-'}`,
    );
  }
  for (const skipped of preview.skipped) console.log(`  skipped ${skipped.id}: ${skipped.state}`);
}

/** The dry run of an action: exactly the ids given, or those the filter selects. */
function preview(service: string, action: 'replay' | 'discard', options: FilterOptions) {
  const selection = options.id?.length
    ? { ids: options.id }
    : { filter: filterOf({ ...options, state: undefined }), limit: options.limit ?? 1_000 };
  return api<Preview>(path(service, '/preview'), { action, ...selection });
}

/** Asks before acting on a terminal; without one, acting needs --yes. */
async function confirmed(question: string, options: FilterOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY) {
    throw new InvalidArgumentError('no terminal to confirm on: pass --yes to act, or --dry-run to only look');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/**
 * Acts on `ids` in rounds of about a second's work each, so the bar moves and
 * Ctrl-C stops between rounds; what is not yet done stays parked.
 */
async function inRounds(
  verb: string,
  ids: string[],
  perRound: number,
  act: (ids: string[]) => Promise<number>,
) {
  const bar = new SingleBar({
    format: `${verb} {value}/{total} [{bar}] {percentage}% | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(ids.length, 0);
  const controller = new AbortController();
  process.once('SIGINT', () => {
    console.error('\nStopping after this round; the rest stay parked.');
    controller.abort();
  });
  let done = 0;
  try {
    for (let start = 0; start < ids.length && !controller.signal.aborted; start += perRound) {
      done += await act(ids.slice(start, start + perRound));
      bar.update(start + Math.min(perRound, ids.length - start));
    }
  } finally {
    bar.stop();
  }
  return done;
}

/** Asks for a discard reason on a terminal; without one, a discard needs --reason. */
async function discardReason(given: string | undefined): Promise<string> {
  if (given?.trim()) return given.trim();
  if (!process.stdin.isTTY) {
    throw new InvalidArgumentError('discard needs a reason: pass --reason "<why>" (no terminal to ask on)');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question('Why are these dead letters being discarded? ')).trim();
    if (!answer) throw new InvalidArgumentError('a discard needs a reason; nothing was discarded');
    return answer;
  } finally {
    prompt.close();
  }
}

function withFilters(command: Command): Command {
  return command
    .option('--order <id>', 'only the dead letters of this order id')
    .option('--type <type>', 'only this event type, e.g. checkout.order.completed')
    .option('--code <code>', 'only this last error code, exactly')
    .option('--error <text>', 'only those whose last error contains text (any case)')
    .option('--since <time>', 'parked at or after: an ISO time or a duration ago (2h)', instant)
    .option('--until <time>', 'parked before: an ISO time or a duration ago', instant)
    .option('--limit <n>', 'at most n dead letters', positiveInteger)
    .addOption(new Option('--actor <name>', 'who you are, for the audit log').default(defaultActor()));
}

function withSelection(command: Command): Command {
  return withFilters(command)
    .option('--id <id>', 'exactly this dead letter (repeat for more); filters are then ignored', collect)
    .option('--dry-run', 'say what would be done, and do nothing')
    .option('--yes', 'act without asking');
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

function formatAge(ageMs: number | null): string {
  return ageMs === null ? '-' : ms(ageMs);
}

const program = new Command('dlq').description('Search, replay and discard dead letters.');

program
  .command('list')
  .description('every service: dead letters parked, the oldest, and messages still arriving from its DLQ')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const summaries = await api<Summary[]>('/admin/dlq');
    if (options.json) return console.log(JSON.stringify(summaries, null, 2));
    console.table(
      summaries.map(({ service, queue, parked, oldestAgeMs, arriving }) => ({
        service,
        queue,
        parked,
        oldest: formatAge(oldestAgeMs),
        arriving: arriving ?? '?',
      })),
    );
  });

withFilters(program.command('show <service>').description('the dead letters and why each was parked'))
  .option('--state <state>', 'parked (default), replayed or discarded')
  .option('--json', 'print JSON')
  .action(async (service: string, options: FilterOptions) => {
    const { items, total } = await search(service, options);
    if (options.json) console.log(JSON.stringify(items, null, 2));
    else printDeadLetters(items, total);
  });

program
  .command('read <service> <id>')
  .description('one dead letter with its headers and body')
  .action(async (service: string, id: string) => {
    console.log(JSON.stringify(await api(path(service, `/messages/${encodeURIComponent(id)}`)), null, 2));
  });

withSelection(program.command('replay <service>').description("back to the service's work queue, attempt 1"))
  .option('--rate <per-second>', 'replays per second at most', positiveNumber, 10)
  .action(async (service: string, options: FilterOptions & { rate: number }) => {
    const selected = await preview(service, 'replay', options);
    printPreview('replay', service, selected);
    if (options.dryRun || selected.ids.length === 0) return;
    if (!(await confirmed(`Replay these ${selected.ids.length}?`, options))) return;
    const replayed = await inRounds('replayed', selected.ids, Math.ceil(options.rate), async (ids) => {
      const result = await api<{ replayed: number }>(path(service, '/replay'), {
        ids,
        rate: options.rate,
        actor: options.actor,
      });
      return result.replayed;
    });
    console.log(`Replayed ${replayed} dead letter(s) of ${service} as ${options.actor}.`);
  });

withSelection(program.command('discard <service>').description('settle for good, recording the reason'))
  .option('--reason <why>', 'recorded with each discarded dead letter (asked for on a terminal if missing)')
  .action(async (service: string, options: FilterOptions & { reason?: string }) => {
    const selected = await preview(service, 'discard', options);
    printPreview('discard', service, selected);
    if (options.dryRun || selected.ids.length === 0) return;
    const reason = await discardReason(options.reason);
    if (!(await confirmed(`Discard these ${selected.ids.length}?`, options))) return;
    const discarded = await inRounds('discarded', selected.ids, 1_000, async (ids) => {
      const result = await api<{ discarded: number }>(path(service, '/discard'), {
        ids,
        reason,
        actor: options.actor,
      });
      return result.discarded;
    });
    console.log(`Discarded ${discarded} dead letter(s) of ${service} as ${options.actor}: ${reason}`);
  });

program.parseAsync().catch((error: Error) => {
  console.error(`dlq: ${error.message}`);
  process.exitCode = 1;
});

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
 * the operations service's API: reads OPERATIONS_URL (default
 * http://localhost:3009) and ADMIN_TOKEN, so every action is audited by the
 * operations service, the same as from the dashboard.
 */
import { Command } from 'commander';
import { adminApi as api } from './admin-api';
import { deadLetterPath, preview, type Summary, search } from './dead-letters/dead-letter-api';
import { formatAge, printDeadLetters, printPreview } from './dead-letters/dead-letter-output';
import { type FilterOptions, positiveNumber, withFilters, withSelection } from './dead-letters/dlq-options';
import { inRounds } from './dead-letters/in-rounds';
import { confirmed, discardReason } from './dead-letters/operator-prompts';

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
    console.log(
      JSON.stringify(await api(deadLetterPath(service, `/messages/${encodeURIComponent(id)}`)), null, 2),
    );
  });

withSelection(program.command('replay <service>').description("back to the service's work queue, attempt 1"))
  .option('--rate <per-second>', 'replays per second at most', positiveNumber, 10)
  .action(async (service: string, options: FilterOptions & { rate: number }) => {
    const selected = await preview(service, 'replay', options);
    printPreview('replay', service, selected);
    if (options.dryRun || selected.ids.length === 0) return;
    if (!(await confirmed(`Replay these ${selected.ids.length}?`, options))) return;
    const replayed = await inRounds('replayed', selected.ids, Math.ceil(options.rate), async (ids) => {
      const result = await api<{ replayed: number }>(deadLetterPath(service, '/replay'), {
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
      const result = await api<{ discarded: number }>(deadLetterPath(service, '/discard'), {
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

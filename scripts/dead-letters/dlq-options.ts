import { hostname, userInfo } from 'node:os';
import { type Command, InvalidArgumentError, Option } from 'commander';
import ms from 'ms';

/** The dlq CLI's options: filters, the selection to act on, and who acts. */

export interface FilterOptions {
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
export const positiveNumber = (value: string) => {
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

export function withFilters(command: Command): Command {
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

export function withSelection(command: Command): Command {
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

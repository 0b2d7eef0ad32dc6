import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError } from 'commander';
import type { FilterOptions } from './dlq-options';

/** Asks before acting on a terminal; without one, acting needs --yes. */
export async function confirmed(question: string, options: FilterOptions): Promise<boolean> {
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

/** Asks for a discard reason on a terminal; without one, a discard needs --reason. */
export async function discardReason(given: string | undefined): Promise<string> {
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

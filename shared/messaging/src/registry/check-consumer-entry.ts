import type { ConsumerEntry } from './registry-spec';

const IDENTIFIER = /^[a-z][a-z0-9_]*$/;
const NAME = /^[a-z][a-z0-9-]*$/;

/** Names become queue names and SQL identifiers: only lower-case letters, digits and dashes (underscores for schemas). */
export function checked(entry: ConsumerEntry): ConsumerEntry {
  if (!NAME.test(entry.service)) throw new Error(`Service name "${entry.service}": use a-z, 0-9 and "-"`);
  for (const queue of [entry.queue, entry.jobs?.queue]) {
    if (queue !== undefined && !NAME.test(queue))
      throw new Error(`Queue name "${queue}" of ${entry.service}: use a-z, 0-9 and "-"`);
  }
  if (entry.jobs?.queue === entry.queue)
    throw new Error(`${entry.service}: its jobs need a queue of their own, not "${entry.queue}"`);
  for (const [name, { event }] of Object.entries(entry.schedules ?? {})) {
    if (!NAME.test(name))
      throw new Error(`Schedule name "${name}" of ${entry.service}: use a-z, 0-9 and "-"`);
    if (!entry.jobs?.consumes.includes(event))
      throw new Error(
        `${entry.service}: schedule "${name}" publishes ${event.type}, which its jobs do not consume`,
      );
  }
  if (!IDENTIFIER.test(entry.inbox))
    throw new Error(`Inbox schema "${entry.inbox}" of ${entry.service}: use a-z, 0-9 and "_"`);
  return Object.freeze(entry);
}

import type { OperationsAnswer as Answer } from '@shop/contracts/operations-api';
import { adminApi as api } from '../admin-api';
import type { FilterOptions } from './dlq-options';

/** The operations service's dead-letter API as the dlq CLI calls it: the answers' shapes, search and dry run. */

export type Summary = Answer<'deadLetterQueues'>[number];
type Page = Answer<'deadLetters'>;
export type DeadLetter = Page['items'][number];
export type Preview = Answer<'preview'>;

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

/** The path of one service's dead letters in the admin API, and of what lies under it. */
export const deadLetterPath = (service: string, rest = '') =>
  `/admin/dlq/${encodeURIComponent(service)}${rest}`;

/** Every dead letter the filter selects, page by page, at most `limit`. */
export async function search(
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
    const page: Page = await api<Page>(`${deadLetterPath(service)}?${query}`);
    items.push(...page.items);
    total = page.total;
    after = page.next;
  } while (after && items.length < wanted);
  return { items, total };
}

/** The dry run of an action: exactly the ids given, or those the filter selects. */
export function preview(service: string, action: 'replay' | 'discard', options: FilterOptions) {
  const selection = options.id?.length
    ? { ids: options.id }
    : { filter: filterOf({ ...options, state: undefined }), limit: options.limit ?? 1_000 };
  return api<Preview>(deadLetterPath(service, '/preview'), { action, ...selection });
}

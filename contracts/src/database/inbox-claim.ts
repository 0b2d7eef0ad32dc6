import type { InboxClaim } from '@shared/messaging';
import { Prisma } from './generated/client';

/**
 * The inbox claim as a Prisma SQL fragment, to put in a CTE of the effect's
 * own statement: the effect selects from it, so it happens only when this
 * event was not handled before, and both commit together or not at all.
 *
 *   WITH claim AS (${inboxClaim(context.inbox.claim)})
 *   INSERT INTO ... SELECT ... FROM claim
 */
export function inboxClaim(claim: InboxClaim): Prisma.Sql {
  // The schema name comes from the registry, which admits only [a-z0-9_] names.
  const table = Prisma.raw(`"${claim.schema}"."processed_events"`);
  return Prisma.sql`INSERT INTO ${table} (event_id, event_type) VALUES (${claim.eventId}::uuid, ${claim.eventType})
    ON CONFLICT (event_id) DO NOTHING RETURNING event_id`;
}

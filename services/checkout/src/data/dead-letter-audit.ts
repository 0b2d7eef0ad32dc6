import type { PrismaClient } from '@shop/contracts/database';
import type { DeadLetterAudit } from '@shop/shared/dead-letters';

/**
 * The operators' record of every replay and discard, in checkout's
 * `dead_letter_actions` table: the dead-letter operations write here before a
 * message leaves its DLQ, and take the row back if the action then fails;
 * GET /admin/audit (the dashboard) reads it back.
 */
export function deadLetterAudit(prisma: PrismaClient): DeadLetterAudit {
  return {
    async record(action) {
      const row = await prisma.deadLetterAction.create({
        data: {
          action: action.action,
          service: action.service,
          messageId: action.messageId,
          orderId: action.subject,
          actor: action.actor,
          reason: action.reason,
          lastError: action.lastError,
        },
      });
      return { undo: async () => void (await prisma.deadLetterAction.delete({ where: { id: row.id } })) };
    },
    async recent({ service, subject, limit }) {
      const rows = await prisma.deadLetterAction.findMany({
        where: { service, orderId: subject },
        orderBy: { at: 'desc' },
        take: limit,
      });
      return rows.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        action: row.action,
        service: row.service,
        messageId: row.messageId,
        subject: row.orderId,
        actor: row.actor,
        reason: row.reason,
        lastError: row.lastError,
      }));
    },
  };
}

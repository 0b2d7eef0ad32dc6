export {
  type ActionOptions,
  type AuditEntry,
  type AuditQuery,
  type DeadLetterAction,
  type DeadLetterAudit,
  type DeadLetterQueueSummary,
  DeadLetterQueues,
  type DiscardOptions,
  type Progress,
  type ReplayOptions,
  UNKNOWN_SERVICE,
} from './dead-letter-queues';
export type { DeadLetterFilter, ParkedMessage, ParkedMessageDetail } from './parked-message';
export { REPLAY_HEADERS, replayHeaders } from './replay-headers';

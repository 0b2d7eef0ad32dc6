export { ADMIN_API_ACTOR, connectPerRequest, createAdminRoutes, type DeadLetterAccess } from './admin-routes';
export {
  type ActionOptions,
  type DeadLetterQueueSummary,
  DeadLetterQueues,
  type DiscardOptions,
  type Progress,
  type ReplayOptions,
  UNKNOWN_SERVICE,
} from './dead-letter-queues';
export type { DeadLetterFilter, ParkedMessage } from './parked-message';
export { REPLAY_HEADERS } from './replay-headers';

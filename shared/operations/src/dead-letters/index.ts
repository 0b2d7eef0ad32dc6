export type { AuditEntry, AuditQuery } from './audit-log';
export { DeadLetterDrain } from './dead-letter-drain';
export type { DeadLetterFilter, DeadLetterPage } from './dead-letter-filter';
export { DeadLetterStore, type FailureGroup } from './dead-letter-store';
export {
  type ActionOptions,
  type DeadLetterSummary,
  DeadLetters,
  type DiscardOptions,
  type Preview,
  type ReplayOptions,
  type Selection,
  UNKNOWN_SERVICE,
} from './dead-letters';
export {
  type DeadLetter,
  type DeadLetterDetail,
  type DeadLetterState,
  type ParkedRecord,
  parkedRecord,
} from './parked-message';
export { REPLAY_HEADERS, replayHeaders } from './replay-headers';
export type { Skipped } from './settle-dead-letters';
export type { StoreDatabase, StoreTables } from './store-database';

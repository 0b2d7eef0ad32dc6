export { DeadLetterDrain } from './dead-letter-drain';
export {
  type AuditEntry,
  type AuditQuery,
  type DeadLetterFilter,
  type DeadLetterPage,
  DeadLetterStore,
  type FailureGroup,
  type Skipped,
  type StoreDatabase,
  type StoreTables,
} from './dead-letter-store';
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

export { defineRegistry, Registry } from './registry';
export type { ConsumerEntry, ConsumerSpec, RegistrySpec } from './registry-spec';
export {
  attemptFields,
  type OutcomeKind,
  type ReadOutcome,
  type ResultOf,
  type TaskOutcomes,
} from './task-outcomes';

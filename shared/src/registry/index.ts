export {
  attemptFields,
  type ConsumerEntry,
  type ConsumerSpec,
  defineRegistry,
  type OutcomeKind,
  type ReadOutcome,
  Registry,
  type RegistrySpec,
  type ResultOf,
  type TaskOutcomes,
} from './registry';

export { databaseAndBrokerReadiness, type ServiceDatabase } from './readiness';
export {
  type ConsumerServiceOptions,
  consumerHttpApp,
  consumerVariables,
  type EventFor,
  serveConsumer,
} from './serve-consumer';
export { exitOnStartupFailure, stopOnSignals } from './stop-on-signals';

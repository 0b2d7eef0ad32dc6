export {
  databaseAndBrokerReadiness,
  type FulfillmentServiceOptions,
  serveFulfillmentService,
} from './serve-fulfillment-service';
export { exitOnStartupFailure, stopOnSignals } from './stop-on-signals';

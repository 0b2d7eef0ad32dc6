export {
  createEvent,
  defineEvent,
  type EventContract,
  type EventEnvelope,
  type EventOf,
  envelopeSchema,
} from './envelope';
export { OrderCompletedV1, orderLineSchema } from './order-completed.v1';
export { EVENT_SCHEMA_INVALID, parseEvent } from './parse-event';

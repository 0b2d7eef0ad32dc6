export {
  createEvent,
  defineEvent,
  type EventContract,
  type EventEnvelope,
  type EventOf,
  envelopeSchema,
} from './envelope';
export { EVENT_SCHEMA_INVALID, parseEvent } from './parse-event';

export { createEvent } from './create-event';
export { type EventEnvelope, envelopeSchema } from './envelope';
export { defineEvent, type EventContract, type EventOf } from './event-contract';
export { EVENT_SCHEMA_INVALID, parseEvent } from './parse-event';

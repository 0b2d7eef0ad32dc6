import { errorMessage } from '@shared/core/errors';
import type { Message } from 'amqplib';
import {
  EVENT_SCHEMA_INVALID,
  type EventContract,
  type EventEnvelope,
  type EventOf,
  parseEvent,
} from '../events';
import type { DeadLetter } from './settle';

const MALFORMED_JSON = 'EVENT.MALFORMED_JSON';

/** The event a message holds, and whether a job's handler takes it rather than the consumer's. */
export interface Decoded<Contract extends EventContract> {
  event: EventOf<Contract>;
  isJob: boolean;
}

/** Reads a message's body as an event of the consumer's contracts or of its jobs'. */
export class Decoder<Contract extends EventContract> {
  private readonly contracts: readonly EventContract[];
  private readonly jobTypes: ReadonlySet<string>;

  constructor(contracts: readonly Contract[], jobContracts: readonly EventContract[] = []) {
    this.contracts = [...contracts, ...jobContracts];
    this.jobTypes = new Set(jobContracts.map((contract) => contract.type));
  }

  /** The message's event, or why it goes to the dead-letter queue: not JSON, or no valid event. */
  decode(message: Message): Decoded<Contract> | DeadLetter {
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      return {
        reason: 'malformed-json',
        error: `malformed JSON: ${errorMessage(error)}`,
        code: MALFORMED_JSON,
      };
    }
    let event: EventOf<Contract>;
    try {
      event = parseEvent(this.contracts, body) as EventOf<Contract>;
    } catch (error) {
      return { reason: 'schema-invalid', error: errorMessage(error), code: EVENT_SCHEMA_INVALID };
    }
    return { event, isJob: this.jobTypes.has(event.type) };
  }

  /** The event inside a message looked at before its handling (a crash loop), a task's or a job's, if it holds one. */
  tryParse(message: Message): EventEnvelope | undefined {
    try {
      return parseEvent(this.contracts, JSON.parse(message.content.toString('utf8')));
    } catch {
      return undefined;
    }
  }

  /** The event if it is a task's: a job's outcome is never reported. */
  taskOnly(event: EventEnvelope | undefined): EventEnvelope | undefined {
    return event && !this.jobTypes.has(event.type) ? event : undefined;
  }
}

import { permanentError } from '@shared/core/errors';
import { envelopeSchema } from './envelope';
import type { EventContract, EventOf } from './event-contract';

export const EVENT_SCHEMA_INVALID = 'EVENT.SCHEMA_INVALID';

/**
 * Validates a received value as an event of one of `contracts` (matched by
 * type and version). A mismatch is permanent: the same bytes will never
 * become valid, so retrying is pointless.
 */
export function parseEvent<Contract extends EventContract>(
  contracts: Contract | readonly Contract[],
  value: unknown,
): EventOf<Contract> {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw invalid(envelope.error.issues);
  const { type, version, data } = envelope.data;
  const candidates: readonly Contract[] = Array.isArray(contracts) ? contracts : [contracts as Contract];
  const contract = candidates.find((candidate) => candidate.type === type && candidate.version === version);
  if (!contract) {
    const expected = candidates.map((candidate) => `${candidate.type} v${candidate.version}`).join(', ');
    throw permanentError(EVENT_SCHEMA_INVALID, `expected ${expected}; received ${type} v${version}`);
  }
  const parsedData = contract.data.safeParse(data);
  if (!parsedData.success) throw invalid(parsedData.error.issues, ['data']);
  return { ...envelope.data, data: parsedData.data } as EventOf<Contract>;
}

function invalid(issues: { path: PropertyKey[]; message: string }[], prefix: string[] = []) {
  const described = issues
    .map((issue) => `${[...prefix, ...issue.path.map(String)].join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return permanentError(EVENT_SCHEMA_INVALID, `invalid event: ${described}`);
}

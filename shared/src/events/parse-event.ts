import { permanentError } from '../errors';
import { type EventContract, type EventOf, envelopeSchema } from './envelope';

export const EVENT_SCHEMA_INVALID = 'EVENT.SCHEMA_INVALID';

/**
 * Validates a received value as an event of `contract`. A mismatch is
 * permanent: the same bytes will never become valid, so retrying is pointless.
 */
export function parseEvent<Contract extends EventContract>(
  contract: Contract,
  value: unknown,
): EventOf<Contract> {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw invalid(envelope.error.issues);
  const { type, version, data } = envelope.data;
  if (type !== contract.type || version !== contract.version) {
    throw permanentError(
      EVENT_SCHEMA_INVALID,
      `expected ${contract.type} v${contract.version}, received ${type} v${version}`,
    );
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

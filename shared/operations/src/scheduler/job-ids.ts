import { createHash } from 'node:crypto';

/** RFC 4122's URL namespace: any fixed namespace works, as long as it never changes. */
const NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * A name-based (version 5) UUID: the same name always gives the same id, so
 * every replica planning "sales-report at 2026-11-30T08:00Z" writes the same
 * row, and the database keeps one. https://www.rfc-editor.org/rfc/rfc9562#section-5.5
 */
export function jobId(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { createHash, randomBytes } from 'node:crypto';

/** The name RabbitMQ gives this scheme in a definitions file's `hashing_algorithm`. */
export const HASHING_ALGORITHM = 'rabbit_password_hashing_sha256';

const SALT_BYTES = 4;

/**
 * A password as RabbitMQ's internal user database stores it, and as a
 * definitions file carries it: base64 of a 4-byte random salt followed by
 * SHA-256(salt + UTF-8 password). A node importing the file never sees the
 * password itself. https://www.rabbitmq.com/docs/passwords#computing-password-hash
 */
export function hashPassword(password: string, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

/** Whether `passwordHash` (as produced by `hashPassword` or by RabbitMQ) is the hash of `password`. */
export function passwordMatches(passwordHash: string, password: string): boolean {
  const bytes = Buffer.from(passwordHash, 'base64');
  if (bytes.length !== SALT_BYTES + 32) return false;
  return hashPassword(password, bytes.subarray(0, SALT_BYTES)) === passwordHash;
}

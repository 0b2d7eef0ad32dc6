import { hashPassword, passwordMatches } from './password-hash';

// Exported by RabbitMQ 3.10 (`rabbitmqctl add_user hash-vector '…'`, then `export_definitions`).
const FROM_RABBITMQ = {
  password: 'correct horse battery staple',
  hash: 'z/z4DxAf54zZr5qmH8MSGSX8klWudGs1LwYlLbrakkZUD8bp',
};

describe('RabbitMQ password hashing', () => {
  test('When a hash comes from RabbitMQ, then the same password matches it and another does not', () => {
    expect(passwordMatches(FROM_RABBITMQ.hash, FROM_RABBITMQ.password)).toBe(true);
    expect(passwordMatches(FROM_RABBITMQ.hash, 'correct horse battery stapler')).toBe(false);
  });

  test("When a password is hashed with the salt RabbitMQ chose, then the result is byte for byte RabbitMQ's", () => {
    const salt = Buffer.from(FROM_RABBITMQ.hash, 'base64').subarray(0, 4);

    expect(hashPassword(FROM_RABBITMQ.password, salt)).toBe(FROM_RABBITMQ.hash);
  });

  test('When the same password is hashed twice, then the salts differ and both hashes match it', () => {
    const first = hashPassword('email-dev');
    const second = hashPassword('email-dev');

    expect(first).not.toBe(second);
    expect(passwordMatches(first, 'email-dev')).toBe(true);
    expect(passwordMatches(second, 'email-dev')).toBe(true);
  });
});

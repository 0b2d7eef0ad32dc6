import { CARD_NUMBER_MASK, createLogger, maskCardNumbers } from './';

/** Card numbers never reach a log line, wherever they sit in what is logged. */
describe('logging card numbers', () => {
  const card = '4242424242424242';

  const linesOf = (log: (logger: ReturnType<typeof createLogger>) => void): string[] => {
    const lines: string[] = [];
    log(createLogger('test', 'debug', 'json', { write: (line: string) => lines.push(line) }));
    return lines;
  };

  const withRequest = <T extends object>(target: T) =>
    Object.assign(target, { request: { cardNumber: card } });

  test.each([
    ['on its own', { cardNumber: card }],
    ['in a payment', { payment: { cardNumber: card } }],
    ['in a logged request body', { req: { body: { payment: { cardNumber: card } } } }],
    ['on an error that carries its request', { err: withRequest(new Error('charge failed')) }],
    [
      'on the cause of an error',
      { err: new Error('not saved', { cause: withRequest(new Error('charge')) }) },
    ],
    [
      'in the raw body of a JSON syntax error',
      { err: Object.assign(new Error('bad'), { body: `{"n":"${card}"` }) },
    ],
    ['as the input of a zod issue', { err: { issues: [{ path: ['payment', 'cardNumber'], input: card }] } }],
  ])('When an object with a card number %s is logged, then the line does not show it', (_case, object) => {
    const lines = linesOf((logger) => {
      logger.info(object, 'something happened');
      logger.child(object).debug('from a child logger');
    });

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).not.toContain(card);
  });

  test('When text holds a number that passes the Luhn check, then it is masked; other numbers stay', () => {
    const masked = maskCardNumbers(
      `/orders?card=${card}&declined=4000000000000002&amount=123456789012&id=0a1b2c3d-0000-4000-8000-424242424242&n=42424242424242424242`,
    );

    expect(masked).toBe(
      `/orders?card=${CARD_NUMBER_MASK}&declined=${CARD_NUMBER_MASK}&amount=123456789012&id=0a1b2c3d-0000-4000-8000-424242424242&n=42424242424242424242`,
    );
  });
});

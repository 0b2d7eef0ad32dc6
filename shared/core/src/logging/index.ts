import pino, { type DestinationStream, type Logger } from 'pino';

export { CARD_NUMBER_MASK, maskCardNumbers } from './card-numbers';
export type { Logger };

/**
 * Where a card number could sit in a logged object, replaced by pino with
 * "[Redacted]" (at no cost to lines without these keys). Request bodies are
 * not logged today; these paths keep it so if an error, a zod issue or later
 * code carries one. https://getpino.io/#/docs/redaction
 */
export const REDACTED_PATHS = [
  // `cardNumber` on its own, in a payment, in a request body, on an error
  // that carries the request it failed on or on that error's cause:
  // payment.cardNumber, req.body.payment.cardNumber, err.request.cardNumber,
  // err.cause.request.cardNumber...
  'cardNumber',
  '*.cardNumber',
  '*.*.cardNumber',
  '*.*.*.cardNumber',
  // body-parser keeps the raw text of a body it could not parse on its error.
  'err.body',
  // A zod issue carries its input when asked to (reportInput).
  'err.issues[*].input',
];

/**
 * JSON logs, one line per event, every line naming its service. Request and
 * message handlers log through `logger.child({ correlationId })` so one
 * correlation id follows an order from the HTTP request to every consumer.
 * `destination` is for tests that read the lines.
 */
export function createLogger(
  service: string,
  level = 'info',
  format: 'json' | 'pretty' = 'json',
  destination?: DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: REDACTED_PATHS,
    // pino-pretty is a development dependency: `npm start` asks for it, production images log JSON.
    ...(format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' },
          },
        }
      : { formatters: { level: (label: string) => ({ level: label }) } }),
  };
  return destination ? pino(options, destination) : pino(options);
}

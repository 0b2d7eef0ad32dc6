import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs, one line per event, every line naming its service. Request and
 * message handlers log through `logger.child({ correlationId })` so one
 * correlation id follows an order from the HTTP request to every consumer.
 */
export function createLogger(service: string, level = 'info', format: 'json' | 'pretty' = 'json'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // pino-pretty is a development dependency: `npm start` asks for it, production images log JSON.
    ...(format === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' },
          },
        }
      : { formatters: { level: (label: string) => ({ level: label }) } }),
  });
}

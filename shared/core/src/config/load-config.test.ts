import {
  databaseVariables,
  httpVariables,
  messagingVariables,
  shutdownDeadlineMs,
  shutdownTimeoutMs,
} from '.';
import { parseAmqpUrls } from './amqp-urls';
import { ConfigError, loadConfig } from './load-config';
import { parseRetryDelays } from './retry-delays';

describe('configuration', () => {
  const shape = { ...databaseVariables, ...messagingVariables, ...httpVariables(3001) };

  test('When nothing is set, then the defaults point at localhost and the config is frozen', () => {
    const config = loadConfig(shape, {});

    expect(config.DATABASE_URL).toBe('postgresql://postgres:postgres@localhost:5432/shop');
    expect(config.AMQP_URL).toEqual(['amqp://guest:guest@localhost:5672']);
    expect(config.PORT).toBe(3001);
    expect(config.RETRY_DELAYS.map((tier) => tier.delayMs)).toEqual([1_000, 5_000, 25_000, 120_000, 600_000]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  test('When values are bad, then one error names every offending variable', () => {
    const attempt = () =>
      loadConfig(shape, { PORT: 'eighty', RETRY_DELAYS: '1s,soon', DATABASE_URL: 'mysql://x' });

    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/RETRY_DELAYS: "soon" is not a delay/);
    expect(message).toMatch(/DATABASE_URL: expected a postgresql:\/\/ URL/);
  });

  test('When a variable is empty, then its default applies', () => {
    expect(loadConfig(shape, { PORT: '' }).PORT).toBe(3001);
  });
});

describe('RETRY_DELAYS', () => {
  test('When it lists delays with units, then each becomes a tier named as written', () => {
    expect(parseRetryDelays('200ms, 2s,1m')).toEqual([
      { label: '200ms', delayMs: 200 },
      { label: '2s', delayMs: 2_000 },
      { label: '1m', delayMs: 60_000 },
    ]);
  });

  test.each([
    ['', 'expected at least one delay'],
    ['5', '"5" is not a delay'],
    ['1s,1s', '"1s" appears twice'],
    ['0s', '"0s" is not a delay'],
  ])('When it is "%s", then it is refused', (value, message) => {
    expect(parseRetryDelays(value)).toEqual(expect.stringContaining(message));
  });
});

describe('AMQP_URL', () => {
  test('When it lists a URL per node, then each is kept in order, the first to be tried first', () => {
    const config = loadConfig(messagingVariables, {
      AMQP_URL: 'amqp://shop:pw@rabbitmq-1:5672, amqp://shop:pw@rabbitmq-2:5672,amqps://shop:pw@rabbitmq-3',
    });

    expect(config.AMQP_URL).toEqual([
      'amqp://shop:pw@rabbitmq-1:5672',
      'amqp://shop:pw@rabbitmq-2:5672',
      'amqps://shop:pw@rabbitmq-3',
    ]);
  });

  test('When a further node is written as its host alone, then it borrows the credentials, vhost and parameters of the URL before it', () => {
    const config = loadConfig(messagingVariables, {
      AMQP_URL: 'amqp://shop:p%2Cw@rabbitmq-1:5672/shop?heartbeat=10,rabbitmq-2, rabbitmq-3:5673',
    });

    expect(config.AMQP_URL).toEqual([
      'amqp://shop:p%2Cw@rabbitmq-1:5672/shop?heartbeat=10',
      'amqp://shop:p%2Cw@rabbitmq-2/shop?heartbeat=10',
      'amqp://shop:p%2Cw@rabbitmq-3:5673/shop?heartbeat=10',
    ]);
  });

  test('When an entry is bad, then the error names AMQP_URL and the entry by position, without its password', () => {
    const attempt = () =>
      loadConfig(messagingVariables, {
        AMQP_URL: 'amqp://shop:s3cret@rabbitmq-1:5672,http://shop:s3cret@rabbitmq-2',
      });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/AMQP_URL: entry 2 of 2 is neither an amqp:\/\/ or amqps:\/\/ URL with a host/);
    expect(attempt).not.toThrow(/s3cret/);
  });

  test.each([
    ['', 'is empty'],
    ['amqp://a,,amqp://b', 'entry 2 of 3 is empty'],
    ['amqp://a,', 'entry 2 of 2 is empty'],
    ['rabbitmq-1:5672', 'the URL is not an amqp:// or amqps:// URL'],
    ['amqp://', 'the URL is not an amqp:// or amqps:// URL with a host'],
    ['amqp://a:5672,amqp://a:5672', 'entry 2 of 2 repeats an earlier one'],
    ['amqp://a:5672,a:5672', 'entry 2 of 2 repeats an earlier one'],
    ['rabbitmq-1,rabbitmq-2', 'entry 1 of 2 is not an amqp:// or amqps:// URL with a host'],
    ['amqp://a,b/vhost', 'entry 2 of 2 is neither an amqp:// or amqps:// URL with a host nor a host[:port]'],
  ])('When it is "%s", then it is refused', (value, message) => {
    expect(parseAmqpUrls(value)).toEqual(expect.stringContaining(message));
  });
});

describe('shutdown', () => {
  const shape = messagingVariables;

  test('When SHUTDOWN_TIMEOUT_MS is unset, then a stop waits as long as an attempt can last, and the process exits 5 s later', () => {
    const config = loadConfig(shape, { HANDLER_TIMEOUT_MS: '20000' });

    expect(shutdownTimeoutMs(config)).toBe(25_000);
    expect(shutdownDeadlineMs(config)).toBe(30_000);
    expect(shutdownDeadlineMs(loadConfig(shape, {}))).toBe(40_000);
  });

  test('When SHUTDOWN_TIMEOUT_MS is shorter than an attempt can last, then the config is refused, naming it', () => {
    const attempt = () => loadConfig(shape, { HANDLER_TIMEOUT_MS: '20000', SHUTDOWN_TIMEOUT_MS: '10000' });

    expect(attempt).toThrow(/SHUTDOWN_TIMEOUT_MS: must be at least HANDLER_TIMEOUT_MS \+ 5 s \(25000\)/);
    expect(shutdownTimeoutMs(loadConfig(shape, { SHUTDOWN_TIMEOUT_MS: '60000' }))).toBe(60_000);
  });
});

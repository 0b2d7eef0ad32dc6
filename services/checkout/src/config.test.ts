import { ConfigError } from '@shared/core/config';
import { loadCheckoutConfig } from './config';

describe('checkout configuration', () => {
  test('When ORDER_RATE_LIMIT is unset, then orders are not limited and the client is the connection', () => {
    const config = loadCheckoutConfig({});

    expect(config.ORDER_RATE_LIMIT).toBeUndefined();
    expect(config.TRUST_PROXY).toBe(0);
  });

  test.each([
    ['50/s', { count: 50, perMs: 1_000, text: '50/s' }],
    ['600/m', { count: 600, perMs: 60_000, text: '600/m' }],
  ])('When ORDER_RATE_LIMIT is %s, then it reads as so many orders per window', (value, rate) => {
    expect(loadCheckoutConfig({ ORDER_RATE_LIMIT: value }).ORDER_RATE_LIMIT).toEqual(rate);
  });

  test.each(['fast', '50', '50/d', '0/s', '-1/s', '1.5/s', '50 per second'])(
    'When ORDER_RATE_LIMIT is "%s", then checkout refuses to start and names the variable',
    (value) => {
      const load = () => loadCheckoutConfig({ ORDER_RATE_LIMIT: value });

      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/ORDER_RATE_LIMIT: ".*" is not a rate; use e\.g\. 10\/s, 600\/m, 50\/h/);
    },
  );

  test('When TRUST_PROXY is not a hop count, then checkout refuses to start and names the variable', () => {
    expect(() => loadCheckoutConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY:/);
  });
});

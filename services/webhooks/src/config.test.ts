import { ConfigError } from '@shared/core/config';
import { loadWebhooksConfig } from './config';

const secret = `whsec_${Buffer.from('a key of thirty-two bytes, for us').toString('base64')}`;

describe('webhooks configuration', () => {
  test('When the endpoint and the secret are set, then a POST may take 5 s, below the 30 s handler timeout, on port 3007', () => {
    const config = loadWebhooksConfig({
      WEBHOOK_URL: 'https://merchant.example/hooks',
      WEBHOOK_SECRET: secret,
    });

    expect(config).toMatchObject({ WEBHOOK_TIMEOUT_MS: 5_000, HANDLER_TIMEOUT_MS: 30_000, PORT: 3007 });
  });

  test('When WEBHOOK_URL or WEBHOOK_SECRET is missing, then the service refuses to start and names both', () => {
    const load = () => loadWebhooksConfig({});

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/WEBHOOK_URL/);
    expect(load).toThrow(/WEBHOOK_SECRET/);
  });

  test('When WEBHOOK_URL is not http or https, then the service refuses to start', () => {
    expect(() =>
      loadWebhooksConfig({ WEBHOOK_URL: 'ftp://merchant.example/', WEBHOOK_SECRET: secret }),
    ).toThrow(/WEBHOOK_URL: expected an http:\/\/ or https:\/\/ URL/);
  });

  test('When the POST timeout is not below the handler timeout, then the service refuses to start and names the variable', () => {
    const load = () =>
      loadWebhooksConfig({
        WEBHOOK_URL: 'https://merchant.example/hooks',
        WEBHOOK_SECRET: secret,
        HANDLER_TIMEOUT_MS: '5000',
        WEBHOOK_TIMEOUT_MS: '5000',
      });

    expect(load).toThrow(/WEBHOOK_TIMEOUT_MS: must be below HANDLER_TIMEOUT_MS \(5000\)/);
  });
});

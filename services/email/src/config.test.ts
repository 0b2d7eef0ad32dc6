import { ConfigError } from '@shared/core/config';
import { loadEmailConfig } from './config';

describe('email configuration', () => {
  test('When nothing is set, then a send may take 20 s, below the 30 s handler timeout', () => {
    const config = loadEmailConfig({});

    expect(config.SMTP_SEND_TIMEOUT_MS).toBe(20_000);
    expect(config.HANDLER_TIMEOUT_MS).toBe(30_000);
  });

  test('When the send deadline is not below the handler timeout, then the service refuses to start and names the variable', () => {
    const load = () => loadEmailConfig({ HANDLER_TIMEOUT_MS: '10000', SMTP_SEND_TIMEOUT_MS: '10000' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/SMTP_SEND_TIMEOUT_MS: must be below HANDLER_TIMEOUT_MS \(10000\)/);
  });
});

import { outcomeOfStatus } from './delivery-outcome';

describe('what an endpoint answer means', () => {
  test.each([200, 201, 202, 204, 299])(
    'When the endpoint answers %i, then the webhook is delivered',
    (status) => {
      expect(outcomeOfStatus(status)).toBe('delivered');
    },
  );

  test.each([408, 429, 500, 502, 503, 504])(
    'When the endpoint answers %i, then the delivery is retried',
    (status) => {
      expect(outcomeOfStatus(status)).toBe('retry');
    },
  );

  test.each([400, 401, 403, 404, 410, 413, 422, 301, 302, 307])(
    'When the endpoint answers %i, then the delivery is refused for good',
    (status) => {
      expect(outcomeOfStatus(status)).toBe('reject');
    },
  );
});

import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { permanentError, retryableError } from '@shared/core/errors';
import { decideAfterFailure } from './retry-policy';

const tiers = parseRetryDelays('1s,5s,25s') as RetryTier[];
const retryQueues = tiers.map((tier) => ({ tier, name: `email.retry.${tier.label}` }));

describe('what happens after a failed attempt', () => {
  test('When attempt n fails with a retryable error, then it waits in tier n', () => {
    expect(decideAfterFailure(new Error('ECONNREFUSED'), 1, retryQueues)).toEqual({
      action: 'retry',
      queue: retryQueues[0],
      nextAttempt: 2,
    });
    expect(decideAfterFailure(retryableError('SMTP.BUSY', '421'), 3, retryQueues)).toMatchObject({
      action: 'retry',
      queue: { name: 'email.retry.25s' },
      nextAttempt: 4,
    });
  });

  test('When the last attempt (tiers + 1) fails, then the message is dead-lettered as retries-exhausted', () => {
    expect(decideAfterFailure(new Error('still down'), 4, retryQueues)).toEqual({
      action: 'dead-letter',
      reason: 'retries-exhausted',
    });
  });

  test('When the error is permanent, then the message is dead-lettered on the first attempt', () => {
    expect(decideAfterFailure(permanentError('EMAIL.REJECTED', '550'), 1, retryQueues)).toEqual({
      action: 'dead-letter',
      reason: 'permanent-error',
    });
  });
});

import { retryableError } from '@shared/core/errors';
import { joinUrl } from '@shared/http';
import type { SalesSummary } from '../domain/sales-report-email';

export const ANALYTICS_UNAVAILABLE = 'EMAIL.ANALYTICS_UNAVAILABLE';

/**
 * Reads analytics' summary of the orders placed in [from, to). Any failure
 * is retryable: the report waits in the retry tiers until analytics answers.
 */
export async function fetchSalesSummary(
  analyticsUrl: string,
  period: { from: string; to: string },
  signal: AbortSignal,
): Promise<SalesSummary> {
  const url = new URL(joinUrl(analyticsUrl, '/analytics/summary'));
  url.searchParams.set('from', period.from);
  url.searchParams.set('to', period.to);
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw retryableError(ANALYTICS_UNAVAILABLE, `analytics did not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw retryableError(ANALYTICS_UNAVAILABLE, `analytics answered ${response.status} for ${url.pathname}`);
  }
  return (await response.json()) as SalesSummary;
}

import { joinUrl } from '@shared/http';

/** The file name the pdf service gives an order's receipt, and the last segment of its URL. */
export const receiptFileName = (orderId: string) => `${orderId}.pdf`;

/** Where the pdf service serves an order's receipt, under its public base URL (RECEIPTS_BASE_URL). */
export const receiptUrl = (baseUrl: string, orderId: string) =>
  joinUrl(baseUrl, `receipts/${receiptFileName(orderId)}`);

import { sendProblem } from '@shop/shared/http';
import type { Express } from 'express';
import type { ReceiptFiles } from '../data/receipt-files';

const RECEIPT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.pdf$/i;

/** GET /receipts/{orderId}.pdf: the file, or 404 problem+json until it exists. */
export function receiptRoutes(files: ReceiptFiles) {
  return (app: Express) => {
    app.get('/receipts/:file', async (req, res) => {
      // Only "<uuid>.pdf" can name a receipt; anything else (../, other names) is not found.
      const orderId = RECEIPT_FILE.exec(req.params.file)?.[1]?.toLowerCase();
      if (!orderId || !(await files.exists(orderId))) {
        return sendProblem(res, {
          status: 404,
          title: 'Receipt not found',
          code: 'RECEIPT.NOT_FOUND',
          detail: orderId
            ? `No receipt for order ${orderId} yet; it appears once the order is processed`
            : 'Receipts are named <orderId>.pdf',
        });
      }
      res.type('application/pdf').sendFile(files.pathOf(orderId));
    });
  };
}

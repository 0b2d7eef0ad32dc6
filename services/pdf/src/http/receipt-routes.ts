import type { ShopErrorCode } from '@shop/contracts/errors';
import { permanentError } from '@shop/shared/errors';
import { isUuid } from '@shop/shared/http';
import type { Express } from 'express';
import type { ReceiptFiles } from '../data/receipt-files';

const RECEIPT_NOT_FOUND: ShopErrorCode = 'RECEIPT.NOT_FOUND';

/** GET /receipts/{orderId}.pdf: the file, or 404 problem+json until it exists. */
export function receiptRoutes(files: ReceiptFiles) {
  return (app: Express) => {
    app.get('/receipts/:file', async (req, res) => {
      // Only "<uuid>.pdf" can name a receipt; anything else (../, other names) is not found.
      const name = req.params.file.toLowerCase();
      const orderId = name.endsWith('.pdf') && isUuid(name.slice(0, -4)) ? name.slice(0, -4) : undefined;
      if (!orderId || !(await files.exists(orderId))) {
        throw permanentError(RECEIPT_NOT_FOUND, 'Receipt not found', {
          details: {
            detail: orderId
              ? `No receipt for order ${orderId} yet; it appears once the order is processed`
              : 'Receipts are named <orderId>.pdf',
          },
        });
      }
      // The one answer a browser renders as a document: a CSP on a PDF has kept
      // Chrome's viewer from drawing it (https://crbug.com/271452), so this
      // answer carries helmet's other headers but not its CSP.
      res.removeHeader('Content-Security-Policy');
      res.type('application/pdf').sendFile(files.pathOf(orderId));
    });
  };
}

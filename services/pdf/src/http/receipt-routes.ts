import { addRoute } from '@shared/http';
import type { Express } from 'express';
import type { ReceiptFiles } from '../data/receipt-files';
import { PDF_ROUTES, receiptNotFound } from './pdf-api';

/** GET /receipts/{orderId}.pdf: the file, or 404 problem+json until it exists. */
export function receiptRoutes(files: ReceiptFiles) {
  return (app: Express) => {
    addRoute(app, PDF_ROUTES.receipt, async ({ params }, _req, res) => {
      const orderId = params.file.slice(0, -'.pdf'.length);
      if (!(await files.exists(orderId))) {
        throw receiptNotFound(`No receipt for order ${orderId} yet; it appears once the order is processed`);
      }
      // The one answer a browser renders as a document: a CSP on a PDF has kept
      // Chrome's viewer from drawing it (https://crbug.com/271452), so this
      // answer carries helmet's other headers but not its CSP.
      res.removeHeader('Content-Security-Policy');
      res.type('application/pdf').sendFile(files.pathOf(orderId));
    });
  };
}

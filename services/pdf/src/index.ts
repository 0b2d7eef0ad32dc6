/** What pdf offers code outside it: its API's route descriptions, its routes and the receipt files they serve. */
export { ReceiptFiles } from './data/receipt-files';
export { PDF_API, PDF_ROUTES } from './http/pdf-api';
export { receiptRoutes } from './http/receipt-routes';

export { ConfirmationSentV1 } from './confirmation-sent.v1';
export { OrderCompletedV1, orderLineSchema } from './order-completed.v1';
export { OrderRecordedV1 } from './order-recorded.v1';
export { ReceiptGeneratedV1 } from './receipt-generated.v1';
export { ReviewRequestDueV1 } from './review-request-due.v1';
export { SalesReportDueV1 } from './sales-report-due.v1';
export { StockReservedV1 } from './stock-reserved.v1';
export { WebhookDeliveredV1 } from './webhook-delivered.v1';

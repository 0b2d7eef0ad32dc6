import { randomUUID } from 'node:crypto';
import { ReceiptGeneratedV1 } from './receipt-generated.v1';

/** The receipt's URL reaches a browser (the dashboard, the order's page): only a web address will do. */
describe('pdf.receipt.generated v1', () => {
  const data = (url: string) => ({
    orderId: randomUUID(),
    attempt: 1,
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    url,
    bytes: 1_234,
  });

  test('When the URL is http or https, then the event is valid', () => {
    for (const url of ['http://localhost:3002/receipts/a.pdf', 'https://shop.example/receipts/a.pdf']) {
      expect(ReceiptGeneratedV1.data.safeParse(data(url)).success).toBe(true);
    }
  });

  test.each([
    'javascript:alert(document.cookie)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'ftp://shop.example/receipt.pdf',
  ])('When the URL is %s, then the event is refused', (url) => {
    expect(ReceiptGeneratedV1.data.safeParse(data(url)).success).toBe(false);
  });
});

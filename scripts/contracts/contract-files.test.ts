import path from 'node:path';
import { defineEvent, defineRegistry } from '@shared/messaging';
import { CHECKOUT_API, CHECKOUT_ROUTES } from '@shop/checkout';
import { ReceiptGeneratedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { z } from 'zod';
import { asyncApiDocument } from './asyncapi-document';
import { contractFiles, driftOf, readUnder } from './contract-files';
import { openApiDocuments } from './openapi-documents';
import { SERVICE_APIS } from './service-apis';

/** contracts:check's comparison: what the code generates against what is committed. */
const ROOT = path.join(__dirname, '..', '..');
const committed = readUnder(ROOT);
const generated = () => contractFiles(openApiDocuments(), asyncApiDocument());

describe('contracts:check', () => {
  test('When nothing changed since the documents were generated, then it finds no drift', () => {
    expect(driftOf(generated(), committed)).toEqual([]);
  });

  test("When a route's request schema changes, then that service's document drifts, and only it", () => {
    const checkoutWithNote = {
      ...CHECKOUT_API,
      routes: CHECKOUT_API.routes.map((route) =>
        route === CHECKOUT_ROUTES.placeOrder
          ? {
              ...route,
              body: CHECKOUT_ROUTES.placeOrder.body.extend({ note: z.string().max(200).optional() }),
            }
          : route,
      ),
    };
    const files = contractFiles(
      openApiDocuments({ ...SERVICE_APIS, checkout: checkoutWithNote }),
      asyncApiDocument(),
    );

    expect(driftOf(files, committed)).toEqual([
      { path: 'contracts/openapi/checkout.json', problem: 'differs' },
    ]);
  });

  test("When an event's schema changes, then the AsyncAPI document drifts", () => {
    const changed = defineEvent({
      ...ReceiptGeneratedV1,
      data: ReceiptGeneratedV1.data.extend({ pages: z.number().int() }),
    });
    const registry = defineRegistry({
      ...SHOP_REGISTRY.spec,
      consumers: {
        ...SHOP_REGISTRY.spec.consumers,
        pdf: { ...SHOP_REGISTRY.spec.consumers.pdf, completed: changed },
      },
    });
    const files = contractFiles(openApiDocuments(), asyncApiDocument(registry));

    expect(driftOf(files, committed)).toEqual([{ path: 'docs/asyncapi.yaml', problem: 'differs' }]);
  });

  test('When a document is not committed, then it is reported missing', () => {
    const files = generated();

    expect(driftOf(files, (file) => (file.endsWith('pdf.json') ? undefined : committed(file)))).toEqual([
      { path: 'contracts/openapi/pdf.json', problem: 'missing' },
    ]);
  });
});

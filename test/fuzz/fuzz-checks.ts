import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { type FuzzServices, type RowCounts, type ServiceName, startFuzzServices } from './fuzz-services';
import { EXISTING_ORDER } from './route-requests';
import { closeConnections, type FuzzRequest, type FuzzResponse, sendRequest } from './send-request';

/**
 * What the HTTP fuzz test checks of every answer, and the services it sends
 * to. `useFuzzServices` starts them before the file's tests; the bindings
 * below hold them and what the answers showed so far.
 */

const TASKS_PER_ORDER = SHOP_REGISTRY.tasks.length;

export let services: FuzzServices;
let counts: RowCounts;
/** Answers by service and status, to show that the generators reach the happy path too. */
export const tally = new Map<string, number>();
export const placedOrders: string[] = [];
export const answeredOrders = new Set<string>();
export const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
export let sent = 0;

export function useFuzzServices() {
  beforeAll(async () => {
    services = await startFuzzServices();
    counts = await services.rowCounts();
  }, 120_000);

  afterAll(async () => {
    closeConnections();
    await services?.stop();
  });
}

export const statusesOf = (service: ServiceName) =>
  Object.fromEntries(
    [...tally].filter(([key]) => key.startsWith(`${service} `)).map(([key, n]) => [key.split(' ')[1], n]),
  );

/** Sends one request and checks what every answer must be. */
export async function send(service: ServiceName, request: FuzzRequest): Promise<FuzzResponse> {
  const response = await sendRequest(services.urls[service], request);
  sent += 1;
  tally.set(`${service} ${response.status}`, (tally.get(`${service} ${response.status}`) ?? 0) + 1);

  expect(response.status).toBeLessThan(500);
  // Node itself refuses a request line or headers it cannot parse (400, 431) before the app runs.
  const answeredByTheApp = response.headers['x-correlation-id'] !== undefined;
  if (answeredByTheApp) {
    expect(response.headers['x-correlation-id']).toMatch(/^[!-~]{1,200}$/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    if (response.status >= 400 && request.method !== 'HEAD') {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body)).toMatchObject({
        status: response.status,
        title: expect.any(String),
      });
    }
  }
  return response;
}

/**
 * Sends a request to checkout (or the operations service) and checks its
 * effect: what it charged and which rows it wrote, against what its answer
 * says happened.
 */
export async function sendToCheckout(
  request: FuzzRequest,
  service: 'checkout' | 'operations' = 'checkout',
): Promise<FuzzResponse> {
  const chargesBefore = services.gateway.chargedOrderIds.length;
  const countsBefore = counts;
  let response: FuzzResponse;
  try {
    response = await send(service, request);
  } finally {
    // Counted even when the answer failed its checks, so the requests
    // fast-check tries while shrinking start from the true counts.
    counts = await services.rowCounts();
  }
  const charged = services.gateway.chargedOrderIds.slice(chargesBefore);
  const written = {
    orders: counts.orders - countsBefore.orders,
    lines: counts.lines - countsBefore.lines,
    outbox: counts.outbox - countsBefore.outbox,
    tasks: counts.tasks - countsBefore.tasks,
    audit: counts.audit - countsBefore.audit,
  };
  const nothing = { orders: 0, lines: 0, outbox: 0, tasks: 0, audit: 0 };

  if (response.status === 201 && request.method === 'POST') {
    const order = JSON.parse(response.body) as { id: string; items: unknown[] };
    if (charged.length === 0) {
      // A replayed Idempotency-Key: the earlier order, nothing new.
      expect(answeredOrders.has(order.id)).toBe(true);
      expect(written).toEqual(nothing);
    } else {
      expect(charged).toEqual([order.id]);
      expect(written).toEqual({
        ...nothing,
        orders: 1,
        lines: order.items.length,
        outbox: 1,
        tasks: TASKS_PER_ORDER,
      });
      placedOrders.push(order.id);
    }
    answeredOrders.add(order.id);
  } else if (response.status === 402) {
    const { orderId } = JSON.parse(response.body) as { orderId: string };
    if (charged.length === 0) {
      expect(answeredOrders.has(orderId)).toBe(true);
      expect(written).toEqual(nothing);
    } else {
      // The declined order is recorded with its lines; no event, no tasks.
      expect(charged).toEqual([orderId]);
      expect(written).toEqual({ ...nothing, orders: 1, lines: written.lines });
      expect(written.lines).toBeGreaterThanOrEqual(1);
    }
    answeredOrders.add(orderId);
  } else {
    expect(charged).toEqual([]);
    expect(written).toEqual(nothing);
  }
  return response;
}

export const resolve = (request: FuzzRequest, index: number): FuzzRequest => {
  if (!request.path.includes(EXISTING_ORDER)) return request;
  const id = placedOrders[index % Math.max(placedOrders.length, 1)] ?? '00000000-0000-4000-8000-000000000000';
  return { ...request, path: request.path.replace(EXISTING_ORDER, id) };
};

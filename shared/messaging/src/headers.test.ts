import { HEADERS, withoutQueueCounters } from './headers';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the trace context of a message that moves between queues', () => {
  const delivered = {
    [HEADERS.traceparent]: TRACEPARENT,
    tracestate: 'shop=1',
    [HEADERS.correlationId]: 'c-1',
    [HEADERS.attempt]: 2,
    [HEADERS.deliveryCount]: 1,
    [HEADERS.acquiredCount]: 1,
  };

  test('When a message is moved to a retry tier or the DLQ, then its traceparent and tracestate go with it', () => {
    // The settle path republishes with these headers plus its own (delivery/settle.ts, Settler.republish).
    const republished = withoutQueueCounters(delivered);

    expect(republished).toMatchObject({ traceparent: TRACEPARENT, tracestate: 'shop=1' });
    expect(republished).not.toHaveProperty(HEADERS.deliveryCount);
  });
});

import { HEADERS } from '@shared/messaging';
import { replayHeaders } from './replay-headers';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the headers of a replayed message', () => {
  const delivered = {
    [HEADERS.traceparent]: TRACEPARENT,
    tracestate: 'shop=1',
    [HEADERS.correlationId]: 'c-1',
    [HEADERS.attempt]: 2,
    [HEADERS.deliveryCount]: 1,
    [HEADERS.acquiredCount]: 1,
  };

  test('When a parked message is replayed, then it goes on in the trace it was parked in', () => {
    const replayed = replayHeaders(
      { ...delivered, [HEADERS.deadLetterReason]: 'retries-exhausted' },
      'operator',
      new Date(),
    );

    expect(replayed).toMatchObject({ traceparent: TRACEPARENT, [HEADERS.attempt]: 1 });
  });
});

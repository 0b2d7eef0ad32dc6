import { HEADERS } from '@shared/messaging';
import { replayHeaders } from './replay-headers';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the headers of a replayed message', () => {
  const parked = {
    [HEADERS.traceparent]: TRACEPARENT,
    [HEADERS.attempt]: 3,
    [HEADERS.deadLetterReason]: 'retries-exhausted',
  };

  test('When a parked message is replayed, then it goes on in the trace it was parked in', () => {
    const replayed = replayHeaders(parked, 'operator', new Date());

    expect(replayed).toMatchObject({ traceparent: TRACEPARENT, [HEADERS.attempt]: 1 });
  });
});

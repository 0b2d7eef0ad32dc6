import { parseRate, windowsOf } from './rate';

describe('rates', () => {
  test('When a rate is written per second, minute or hour, then it reads as a count per period', () => {
    expect(parseRate('10/s')).toEqual({ count: 10, perMs: 1_000, text: '10/s' });
    expect(parseRate(' 600 / m ')).toEqual({ count: 600, perMs: 60_000, text: '600/m' });
    expect(parseRate('5/h')).toEqual({ count: 5, perMs: 3_600_000, text: '5/h' });
  });

  test('When a rate is malformed or zero, then the message says how to write one', () => {
    for (const bad of ['10', '10/d', '0/s', '-1/s', 'ten/s', ''])
      expect(parseRate(bad)).toMatch(/is not a rate/);
  });

  test('When a rate is cut into windows, then each lasts at least 100 ms and never grants more than the rate', () => {
    expect(windowsOf(parseRate('10/s') as never)).toEqual({ points: 1, windowMs: 100 });
    expect(windowsOf(parseRate('3/s') as never)).toEqual({ points: 1, windowMs: 1000 / 3 });
    expect(windowsOf(parseRate('1000/s') as never)).toEqual({ points: 100, windowMs: 100 });
    expect(windowsOf(parseRate('1/h') as never)).toEqual({ points: 1, windowMs: 3_600_000 });
  });
});

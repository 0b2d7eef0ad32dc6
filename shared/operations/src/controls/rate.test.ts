import { parseRate, type Rate, spacingOf } from './rate';

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

  test('When a rate becomes a spacing, then its count of turns never fits in less than its period', () => {
    expect(spacingOf(parseRate('10/s') as never)).toBe(100_000);
    expect(spacingOf(parseRate('15/s') as never)).toBe(66_667);
    expect(spacingOf(parseRate('7/s') as never)).toBe(142_858);
    expect(spacingOf(parseRate('5/h') as never)).toBe(720_000_000);
    for (const text of ['3/s', '7/s', '15/s', '600/m', '13/h']) {
      const rate = parseRate(text) as Rate;
      expect(spacingOf(rate) * rate.count).toBeGreaterThanOrEqual(rate.perMs * 1_000);
    }
  });
});

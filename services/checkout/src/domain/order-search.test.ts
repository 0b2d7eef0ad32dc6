import { idRangeOf, isOrderIdPrefix } from './order-search';

describe('order search by id', () => {
  test('When a prefix has 8 hex digits or more, with dashes where an id has them, then it is a prefix', () => {
    for (const prefix of ['0123abcd', '0123ABCD-', '0123abcd-45', '0123abcd-4567-89ab-cdef-0123456789ab']) {
      expect(isOrderIdPrefix(prefix)).toBe(true);
    }
  });

  test('When a prefix is shorter than 8, has a dash out of place, a non-hex character or is too long, then it is not', () => {
    for (const prefix of [
      '0123abc',
      '0123abcd4',
      '0123-abcd',
      '0123abcg',
      'zzzzzzzz',
      `${'0'.repeat(8)}-0000-0000-0000-0000000000000`,
    ]) {
      expect(isOrderIdPrefix(prefix)).toBe(false);
    }
  });

  test('When a prefix is turned into a range, then it spans every id that begins with it and no other', () => {
    expect(idRangeOf('0123ABCD-45')).toEqual({
      from: '0123abcd-4500-0000-0000-000000000000',
      to: '0123abcd-45ff-ffff-ffff-ffffffffffff',
    });
    const id = '0123abcd-4567-89ab-cdef-0123456789ab';
    expect(idRangeOf(id)).toEqual({ from: id, to: id });
  });
});

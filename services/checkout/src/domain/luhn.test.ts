import { passesLuhn } from './luhn';

describe('passesLuhn', () => {
  test.each([
    '4242424242424242',
    '4000000000000002',
    '4000000000009995',
    '5555555555554444',
    '378282246310005',
  ])('When the number is the valid test card %s, then it passes', (number) =>
    expect(passesLuhn(number)).toBe(true),
  );

  test.each(['4242424242424241', '1234567812345678', '42424242a4242424', ''])(
    'When the number is %p, then it fails',
    (number) => expect(passesLuhn(number)).toBe(false),
  );
});

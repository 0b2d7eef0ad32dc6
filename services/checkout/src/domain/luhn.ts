/**
 * The Luhn checksum every card number carries, which catches a mistyped
 * digit before the gateway is called. https://en.wikipedia.org/wiki/Luhn_algorithm
 */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    // Every second digit from the right is doubled; a two-digit result counts as its digit sum.
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

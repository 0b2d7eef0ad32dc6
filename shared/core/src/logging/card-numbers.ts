/**
 * A run of 12 to 19 digits standing alone: not part of a longer number, a
 * word or a UUID's last group (which follows a hyphen).
 */
const DIGIT_RUN = /(?<![\w-])\d{12,19}(?![\w-])/g;

/** What replaces a card number in a log line. */
export const CARD_NUMBER_MASK = '[card number]';

/**
 * `text` with every run of 12 to 19 digits that passes the Luhn check
 * replaced: what a card number looks like (PCI DSS keeps full card numbers
 * out of logs). For free text that is logged whole, such as a request's URL,
 * where pino's redaction by path cannot reach.
 */
export function maskCardNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (digits) => (passesLuhn(digits) ? CARD_NUMBER_MASK : digits));
}

/** The Luhn checksum that every card number carries. https://en.wikipedia.org/wiki/Luhn_algorithm */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

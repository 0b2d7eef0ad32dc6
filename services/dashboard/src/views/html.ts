import escapeHtml from 'escape-html';

/** Markup that is already safe: built by `html`, never from a raw string. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

/**
 * A template tag for HTML: every interpolated value is escaped unless it is
 * itself `Html`; arrays are joined; null, undefined and false render nothing.
 * Order emails, error texts and message headers come from outside, and must
 * never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(markup);
}

function render(value: Part): string {
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

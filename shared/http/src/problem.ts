import type { Response } from 'express';
import { z } from 'zod';

/**
 * RFC 9457 problem details: every error answer of every service has this
 * shape and the `application/problem+json` media type.
 * https://www.rfc-editor.org/rfc/rfc9457
 */
export interface Problem {
  status: number;
  title: string;
  detail?: string;
  /** A stable, machine-readable code, e.g. ORDER.NOT_FOUND. */
  code?: string;
  /** One entry per invalid field, e.g. { field: "items[0].quantity", message: "..." }. */
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** The same shape as a zod schema, for the OpenAPI documents. */
export const problemSchema = z
  .object({
    type: z.string().meta({ description: '`about:blank`: the status says it all' }),
    status: z.number().int(),
    title: z.string(),
    detail: z.string().optional(),
    code: z
      .string()
      .optional()
      .meta({ description: 'A stable, machine-readable code, e.g. ORDER.NOT_FOUND' }),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'One entry per invalid field' }),
  })
  .catchall(z.unknown())
  .meta({ description: 'RFC 9457 problem details, as application/problem+json' });

export function sendProblem(res: Response, problem: Problem): void {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: 'about:blank', ...problem });
}

/** Formats a zod-style issue path as a field name: ["items", 0, "quantity"] gives "items[0].quantity". */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => {
    if (typeof part === 'number') return `${name}[${part}]`;
    return name ? `${name}.${String(part)}` : String(part);
  }, '');
}

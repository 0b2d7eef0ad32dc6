import { z } from 'zod';

/** The shape of problem.ts's Problem as a zod schema, for the OpenAPI documents. */
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

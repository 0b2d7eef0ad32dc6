import { z } from 'zod';

/** Every time the operators' API answers, as an ISO 8601 date-time. */
export const instant = z.string().meta({ format: 'date-time' });

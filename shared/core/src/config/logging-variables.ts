import { z } from 'zod';

/** Whether a package resolves from here: a development dependency is absent in the image. */
function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

export const loggingVariables = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `pretty` for humans (npm start; needs the dev dependency pino-pretty), `json` for machines. */
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .default('json')
    .refine((format) => format === 'json' || isInstalled('pino-pretty'), {
      message:
        '"pretty" needs pino-pretty, a development dependency the production image leaves out; use json (the default) and pipe the output through pino-pretty where it is installed',
    }),
};

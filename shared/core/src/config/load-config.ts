import { z } from 'zod';
import { sharedVariableRules } from './shared-variable-rules';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the environment once, validates it against `shape` (keys are the
 * variable names) and returns a frozen, typed object. Every problem is
 * reported at once, each naming its variable, so a misconfigured process
 * stops with a message an operator can act on.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: NodeJS.ProcessEnv = process.env,
  /** Rules that tie variables together, each problem as "NAME: what is wrong" (the shared ones always apply). */
  check: (config: z.output<z.ZodObject<Shape>>) => string[] = () => [],
): Readonly<z.output<z.ZodObject<Shape>>> {
  // An empty variable means "not set", so defaults apply to `FOO=` as well.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(present);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const problems = [...sharedVariableRules(result.data), ...check(result.data)];
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

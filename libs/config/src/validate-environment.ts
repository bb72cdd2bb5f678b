import type { z } from 'zod';

/** Thrown at start-up when the environment does not satisfy an app's schema. */
export class EnvironmentValidationError extends Error {
  override readonly name = 'EnvironmentValidationError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Builds a `validate` function for `ConfigModule.forRoot` from a zod schema over the
 * environment. Every bad or missing variable is named in one error, so a misconfigured
 * deployment fails once with the whole list rather than one variable per restart.
 */
export function validateEnvironment<S extends z.ZodType>(schema: S) {
  return (env: Record<string, unknown>): z.infer<S> => {
    const result = schema.safeParse(env);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
      const shown = value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`;
      return `${name} ${shown}: ${issue.message}`;
    });
    throw new EnvironmentValidationError(problems);
  };
}

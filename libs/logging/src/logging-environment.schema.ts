import { z } from 'zod';

/** The variables every app reads for its logs. */
export const loggingEnvironmentSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // json: one JSON object per line, for CloudWatch Logs (deployed); pretty: for a terminal
  // (`npm start` sets it). pretty needs the dev dependency pino-pretty.
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
});
export type LoggingEnvironment = z.infer<typeof loggingEnvironmentSchema>;

import { z } from 'zod';

/** The variables every app reads for its logs. */
export const loggingEnvironmentSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // json: one JSON object per line, for CloudWatch Logs (deployed); pretty: for a terminal
  // (`npm start` sets it). pretty needs the dev dependency pino-pretty.
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  // on: every line logged while serving an HTTP request carries its requestId (nestjs-pino's
  // AsyncLocalStorage request context); off: only the request line and lines that name it.
  // Off is for Node 20, where AsyncLocalStorage hooks every promise of the process (7-19 % of
  // the api's CPU per upload there); on Node 24 it is cheap (bench:request-context).
  LOG_REQUEST_CONTEXT: z.enum(['on', 'off']).default('on'),
});
export type LoggingEnvironment = z.infer<typeof loggingEnvironmentSchema>;

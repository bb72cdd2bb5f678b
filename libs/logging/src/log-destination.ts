import type { DestinationStream } from 'pino';

/**
 * Where log lines go: stdout unless a test overrides this provider
 * (`.overrideProvider(LOG_DESTINATION).useValue(stream)`) to read what an app logged.
 */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

export type LogDestination = DestinationStream | undefined;

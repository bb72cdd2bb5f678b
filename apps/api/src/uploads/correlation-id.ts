import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER, requestIdOf } from '@lib/logging';

/**
 * The correlation id an upload's event carries: the id the request is logged under (set by
 * LoggingModule from a sane `X-Request-Id`, else a new UUID), so one id follows the upload
 * from the api's request line to the worker's "stored" line.
 */
export function correlationIdOf(request: IncomingMessage & { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : requestIdOf(request.headers[REQUEST_ID_HEADER]);
}

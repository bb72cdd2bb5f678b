import { randomUUID } from 'node:crypto';

/** What a caller's X-Request-Id may look like to be reused: short, and safe in a log line. */
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The header a request id comes in and goes back out in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id a request is logged under, and that an upload's event carries as its correlation id:
 * the caller's `X-Request-Id` when it is sane (so a client or a load balancer can follow its
 * own id through both apps), else a new UUID.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

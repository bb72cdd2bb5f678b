import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The correlation id an upload's event carries: the client's X-Request-Id when it is sane, else a new one. */
export function correlationIdOf(requestId: string | undefined): string {
  return requestId !== undefined && REQUEST_ID.test(requestId) ? requestId : randomUUID();
}

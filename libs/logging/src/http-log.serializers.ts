import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What a request line shows: never headers (Authorization, cookies) and never the query
 * string (the web page's `?code=` is an authorization code). Bodies are never logged at all.
 */
export function serializeRequest(request: IncomingMessage & { id?: unknown; raw?: IncomingMessage }) {
  const raw = request.raw ?? request;
  const url = raw.url ?? '';
  const queryAt = url.indexOf('?');
  return {
    method: raw.method,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    contentLength: numberOrUndefined(raw.headers['content-length']),
    userAgent: raw.headers['user-agent'],
  };
}

export function serializeResponse(response: ServerResponse & { raw?: ServerResponse }) {
  const raw = response.raw ?? response;
  return { statusCode: raw.statusCode };
}

function numberOrUndefined(value: string | undefined): number | undefined {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

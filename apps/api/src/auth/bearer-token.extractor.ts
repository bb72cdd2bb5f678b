import type { Request } from 'express';

/** What a request carries, as far as bearer tokens go. */
export interface BearerCredentials {
  /**
   * The client tried to authenticate: an `Authorization` header of any scheme, an
   * `access_token` query parameter (RFC 6750 §2.3) or a cookie holding a JWT. A refusal then
   * says `error="invalid_token"`; a request with no credential at all gets a bare challenge.
   */
  presented: boolean;
  /** The token, when the header is well-formed (`Bearer <b64token>`, one space, nothing after). */
  token?: string;
  /** Where credentials were found other than a Bearer header (for the log only). */
  outside?: string;
}

// RFC 6750 §2.1 b64token. The scheme is case-insensitive (RFC 7235 §2.1), so `bearer` works.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^Bearer(\s|$)/i;
const JWT_IN_COOKIE = /=\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*(;|$)/;

/**
 * Reads a bearer token from the `Authorization` header only: a token in the query string,
 * a form body or a cookie is never used (RFC 6750 discourages them; they leak into logs and
 * invite CSRF), but it does count as an attempt to authenticate.
 */
export function bearerCredentials(request: Pick<Request, 'headers'> & { query?: unknown }): BearerCredentials {
  const header = request.headers.authorization?.trim();
  if (header && BEARER_SCHEME.test(header)) {
    const match = BEARER.exec(header);
    if (match) return { presented: true, token: match[1] };
    // `Bearer` with nothing after it is no credential: a bare challenge, as for a missing header.
    return { presented: header.length > 'Bearer'.length };
  }
  const outside = credentialsElsewhere(request, header);
  return outside ? { presented: true, outside } : { presented: false };
}

function credentialsElsewhere(request: Pick<Request, 'headers'> & { query?: unknown }, header?: string): string | undefined {
  if (header) {
    // Name the scheme only when it looks like one: the log must never carry a token.
    const scheme = header.split(/\s/, 1)[0];
    return /^[A-Za-z-]{1,20}$/.test(scheme) ? `the ${scheme} scheme` : 'a malformed Authorization header';
  }
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object' && 'access_token' in query) return 'an access_token query parameter';
  const cookie = request.headers.cookie;
  if (typeof cookie === 'string' && JWT_IN_COOKIE.test(cookie)) return 'a JWT in a cookie';
  return undefined;
}

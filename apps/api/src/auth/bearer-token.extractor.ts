import type { Request } from 'express';

/** What the `Authorization` header of a request carries, as far as bearer tokens go. */
export interface BearerCredentials {
  /** The header names the Bearer scheme: a token was presented (RFC 6750 `invalid_token` applies). */
  presented: boolean;
  /** The token, when the header is well-formed (`Bearer <b64token>`, one space, nothing after). */
  token?: string;
}

// RFC 6750 §2.1 b64token. The scheme is case-insensitive (RFC 7235 §2.1), so `bearer` works.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^Bearer(\s|$)/i;

/**
 * Reads a bearer token from the `Authorization` header only: a token in the query string,
 * a form body or a cookie is ignored (RFC 6750 discourages them; they leak into logs and
 * invite CSRF). Another scheme (`Basic …`) counts as no token at all.
 */
export function bearerCredentials(request: Pick<Request, 'headers'>): BearerCredentials {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !BEARER_SCHEME.test(header.trim())) return { presented: false };
  const match = BEARER.exec(header.trim());
  // `Bearer` with nothing after it is no credential: a bare challenge, as for a missing header.
  if (!match) return { presented: header.trim().length > 'Bearer'.length };
  return { presented: true, token: match[1] };
}

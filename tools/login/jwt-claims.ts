/** The claims `npm run login` reads for its summary and expiry; the api verifies, this only decodes. */
export interface JwtClaims {
  sub?: string;
  iss?: string;
  exp?: number;
  client_id?: string;
  aud?: string;
  token_use?: string;
  username?: string;
  'cognito:username'?: string;
  email?: string;
  scope?: string;
}

/**
 * The payload of a JWT, decoded WITHOUT verifying the signature: fine for a client looking
 * at tokens it just received over TLS from its own authorization server, never for a server.
 */
export function decodeJwtClaims(token: string): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('Not a JWT (expected three dot-separated parts)');
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('The JWT payload is not an object');
  return claims as JwtClaims;
}

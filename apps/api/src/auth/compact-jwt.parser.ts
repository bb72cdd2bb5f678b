import { InvalidTokenError } from './invalid-token.error';

/**
 * Largest encoded JWT header we read. A Cognito header (`kid` + `alg`) is under 100
 * characters; anything much bigger is a probe, refused before it is decoded.
 */
export const MAX_JWT_HEADER_CHARS = 512;

/** Largest bearer token we look at (Cognito tokens with many groups stay well below). */
export const MAX_JWT_CHARS = 8 * 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Checks the shape of a compact JWS — exactly three non-empty base64url segments, a bounded
 * header that is a JSON object — and returns the decoded header. Runs before any key lookup
 * or signature check, so malformed input never reaches the JWKS or the verifier.
 * @throws InvalidTokenError naming what is wrong (never echoing the token)
 */
export function decodeJwtHeader(rawJwt: string): Record<string, unknown> {
  if (rawJwt.length > MAX_JWT_CHARS) throw new InvalidTokenError(`token longer than ${MAX_JWT_CHARS} characters`);
  const segments = rawJwt.split('.');
  if (segments.length !== 3) throw new InvalidTokenError(`token has ${segments.length} segments, not 3`);
  // Node's base64url decoder skips characters it does not know; refuse them instead.
  if (!segments.every((s) => BASE64URL.test(s))) throw new InvalidTokenError('token segment is not base64url');
  const [encoded] = segments;
  if (encoded.length > MAX_JWT_HEADER_CHARS) {
    throw new InvalidTokenError(`token header longer than ${MAX_JWT_HEADER_CHARS} characters`);
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('token header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InvalidTokenError('token header is not a JSON object');
  }
  return header as Record<string, unknown>;
}

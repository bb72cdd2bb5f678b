import { verifiedTokenFromClaims, type ClaimRules, type VerifiedCognitoToken } from './cognito-access-token.claims';
import { InvalidTokenError } from './invalid-token.error';

/**
 * The part of an API Gateway HTTP API event (payload format 2.0) that a JWT authorizer
 * fills in: `requestContext.authorizer.jwt`. API Gateway flattens every claim to a string.
 */
export interface HttpApiJwtAuthorizer {
  claims: Record<string, unknown>;
  scopes?: unknown;
}

/** What `@vendia/serverless-express` puts on the Express request (`req.apiGateway`). */
export interface ApiGatewayInvoke {
  event?: unknown;
  context?: unknown;
}

/** How strictly to read the authorizer's claims: the token rules plus the exact issuer. */
export interface AuthorizerClaimRules extends ClaimRules {
  /** Our user pool's issuer; the authorizer may be configured for another pool. */
  issuer: string;
}

/**
 * The JWT authorizer context of the Lambda event that serverless-express exposed on the
 * request as `req.apiGateway.event`, or undefined when there is none (not on Lambda, a
 * route without an authorizer, a REST API or Lambda authorizer event).
 */
export function httpApiJwtAuthorizerOf(request: { apiGateway?: ApiGatewayInvoke }): HttpApiJwtAuthorizer | undefined {
  const jwt = property(property(property(request.apiGateway?.event, 'requestContext'), 'authorizer'), 'jwt');
  const claims = property(jwt, 'claims');
  if (!isRecord(claims)) return undefined;
  return { claims, scopes: property(jwt, 'scopes') };
}

/**
 * Turns the authorizer's string-valued claims back into the shapes a token carries: numeric
 * times as numbers, `cognito:groups` ("[admins users]") as an array, and `scope` kept as
 * the space-separated string, taken from `jwt.scopes` when the claim is missing.
 */
export function tokenClaimsFromAuthorizer(authorizer: HttpApiJwtAuthorizer): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...authorizer.claims };
  for (const name of ['exp', 'nbf', 'iat', 'auth_time'] as const) {
    const value = claims[name];
    // Only all-digit strings: `Number('')` is 0 and `Number(' 1 ')` is 1, neither a time.
    if (typeof value === 'string' && /^\d+$/.test(value)) claims[name] = Number(value);
  }
  if (claims['cognito:groups'] !== undefined) claims['cognito:groups'] = parseGroups(claims['cognito:groups']);
  if (claims.scope === undefined && Array.isArray(authorizer.scopes)) {
    claims.scope = authorizer.scopes.filter((s): s is string => typeof s === 'string').join(' ');
  }
  return claims;
}

/**
 * The caller, from claims API Gateway already verified (signature, issuer, audience, times).
 * Checked again here as defence in depth, since the authorizer's configuration lives outside
 * this code: the exact issuer, `token_use`, an allowed client, `sub`, and the times.
 * @throws InvalidTokenError naming the failed check
 */
export function verifiedTokenFromAuthorizer(
  authorizer: HttpApiJwtAuthorizer,
  rules: AuthorizerClaimRules,
): VerifiedCognitoToken {
  const claims = tokenClaimsFromAuthorizer(authorizer);
  if (claims.iss !== rules.issuer) throw new InvalidTokenError(`iss ${JSON.stringify(claims.iss)} is not ours`);
  return verifiedTokenFromClaims(claims, rules);
}

/**
 * HTTP API renders a list claim as "[a b]"; a JSON array string or a real array (a test, a
 * REST API) is read as well. Cognito group names hold no whitespace, so splitting on it is
 * exact (they may hold commas, so those are not separators).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value !== 'string') return [];
  const text = value.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.filter((g): g is string => typeof g === 'string');
    } catch {
      // Not JSON after all: read it as the bracketed, space-separated form below.
    }
  }
  return text
    .replace(/^\[/, '')
    .replace(/\]$/, '')
    .split(/\s+/)
    .filter(Boolean);
}

function property(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

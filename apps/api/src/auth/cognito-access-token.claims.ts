import type { CognitoPrincipal } from './cognito-principal';
import { InvalidTokenError } from './invalid-token.error';

/** What a verified token is: its kind (the guard decides per route which kinds it takes) and caller. */
export interface VerifiedCognitoToken {
  tokenUse: 'access' | 'id';
  principal: CognitoPrincipal;
}

/** How strictly to read the claims. */
export interface ClaimRules {
  /** App clients whose tokens are accepted (`client_id` of access tokens, `aud` of ID tokens). */
  clientIds: readonly string[];
  /** Clock skew forgiven on `exp`, `nbf` and `iat`, in seconds. */
  clockToleranceSeconds?: number;
  /** The current time in seconds (a parameter for tests). */
  nowSeconds?: number;
}

/**
 * Checks the claims of a token whose signature, algorithm and issuer the JWT library already
 * verified, and maps them to a principal. The time checks are repeated here rather than
 * trusted to the library, which skips `exp` when absent and never looks at a future `iat`.
 * Cognito access tokens carry no `aud`: their app client is `client_id`; ID tokens carry `aud`.
 * @throws InvalidTokenError naming the failed check
 */
export function verifiedTokenFromClaims(claims: Record<string, unknown>, rules: ClaimRules): VerifiedCognitoToken {
  if (claims.token_use === 'access') {
    return { tokenUse: 'access', principal: principalFrom(claims, 'client_id', rules) };
  }
  if (claims.token_use === 'id') return { tokenUse: 'id', principal: principalFrom(claims, 'aud', rules) };
  throw new InvalidTokenError(`token_use is ${JSON.stringify(claims.token_use)}, not "access" or "id"`);
}

/**
 * {@link verifiedTokenFromClaims} for access tokens only (an ID token is refused).
 * @throws InvalidTokenError naming the failed check
 */
export function principalFromAccessToken(
  claims: Record<string, unknown>,
  clientIds: readonly string[],
  nowSeconds = Date.now() / 1000,
  clockToleranceSeconds = 0,
): CognitoPrincipal {
  if (claims.token_use !== 'access') {
    throw new InvalidTokenError(`token_use is ${JSON.stringify(claims.token_use)}, not "access"`);
  }
  return principalFrom(claims, 'client_id', { clientIds, nowSeconds, clockToleranceSeconds });
}

function principalFrom(claims: Record<string, unknown>, clientClaim: 'client_id' | 'aud', rules: ClaimRules): CognitoPrincipal {
  checkTimes(claims, rules.nowSeconds ?? Date.now() / 1000, rules.clockToleranceSeconds ?? 0);
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new InvalidTokenError('sub is missing');
  // Cognito puts one client id in `aud`; an array (allowed by RFC 7519) is not a Cognito token.
  const clientId = claims[clientClaim];
  if (typeof clientId !== 'string' || !rules.clientIds.includes(clientId)) {
    throw new InvalidTokenError(`${clientClaim} ${JSON.stringify(clientId)} is not accepted`);
  }
  const username = [claims.username, claims['cognito:username']].find(
    (u): u is string => typeof u === 'string' && u.length > 0,
  );
  const groups = claims['cognito:groups'];
  return {
    sub: claims.sub,
    username: username ?? claims.sub,
    clientId,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [],
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
  };
}

function checkTimes(claims: Record<string, unknown>, now: number, tolerance: number): void {
  // A token without exp would never expire.
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('exp is missing');
  if (claims.exp + tolerance <= now) throw new InvalidTokenError('token expired');
  for (const name of ['nbf', 'iat'] as const) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number') throw new InvalidTokenError(`${name} is not a number`);
    if (value > now + tolerance) throw new InvalidTokenError(`${name} is in the future`);
  }
}

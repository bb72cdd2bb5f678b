import type { CognitoPrincipal } from './cognito-principal';
import { InvalidTokenError } from './invalid-token.error';

/**
 * Checks the claims of an access token whose signature, algorithm, issuer and expiry the JWT
 * library already verified, and maps them to a principal. Cognito access tokens carry no
 * `aud`: the app client is `client_id`, and an ID token (`token_use: id`) must not pass for
 * an access token.
 * @throws InvalidTokenError naming the failed check
 */
export function principalFromAccessToken(
  claims: Record<string, unknown>,
  clientIds: readonly string[],
  nowSeconds = Date.now() / 1000,
): CognitoPrincipal {
  if (claims.token_use !== 'access') {
    throw new InvalidTokenError(`token_use is ${JSON.stringify(claims.token_use)}, not "access"`);
  }
  // jsonwebtoken checks exp only when present; a token without one would never expire.
  if (typeof claims.exp !== 'number') throw new InvalidTokenError('exp is missing');
  if (claims.exp <= nowSeconds) throw new InvalidTokenError('token expired');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new InvalidTokenError('sub is missing');
  if (typeof claims.client_id !== 'string' || !clientIds.includes(claims.client_id)) {
    throw new InvalidTokenError(`client_id ${JSON.stringify(claims.client_id)} is not accepted`);
  }
  const username = [claims.username, claims['cognito:username']].find(
    (u): u is string => typeof u === 'string' && u.length > 0,
  );
  const groups = claims['cognito:groups'];
  return {
    sub: claims.sub,
    username: username ?? claims.sub,
    clientId: claims.client_id,
    scopes: typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [],
    groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
  };
}

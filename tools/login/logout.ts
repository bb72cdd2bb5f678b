import { cognitoRevokeTokenRequest } from '../../libs/contracts/src/cognito-revoke-token';
import { decodeJwtClaims } from './jwt-claims';
import { LoginError } from './login.error';
import type { TokenStore } from './token-store';

/** What `npm run login -- --logout` did. */
export type LogoutOutcome = 'revoked' | 'nothing-stored';

/**
 * Revokes the stored refresh token at Cognito (the user pools API: `userPoolsApi`, else the
 * origin of the stored access token's issuer), which also ends the access and ID tokens issued from it, then
 * deletes the stored tokens. The file is kept when the revocation fails, so it can be retried.
 * @throws LoginError when Cognito cannot be reached or refuses the revocation
 */
export async function logout(store: TokenStore, userPoolsApi?: string, fetchImpl: typeof fetch = fetch): Promise<LogoutOutcome> {
  const tokens = await store.read();
  if (tokens === undefined) return 'nothing-stored';
  const endpoint = userPoolsApi ?? decodeJwtClaims(tokens.accessToken).iss;
  if (endpoint === undefined) throw new LoginError(`the stored access token names no issuer: delete ${store.file} by hand`);
  const { url, init } = cognitoRevokeTokenRequest(endpoint, tokens.clientId, tokens.refreshToken);
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new LoginError(`could not reach ${url} to revoke the refresh token: ${(error as Error).message}`);
  }
  // Cognito answers 400 NotAuthorizedException for a token already revoked or expired: nothing left to end.
  const body = await response.text();
  if (!response.ok && !/NotAuthorized/.test(body)) {
    throw new LoginError(`Cognito refused to revoke the refresh token (${response.status}): ${body.slice(0, 200)}`);
  }
  await store.remove();
  return 'revoked';
}

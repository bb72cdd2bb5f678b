/**
 * Cognito's `RevokeToken` call (the user pools API, as AWS's own browser SDKs make it): it
 * ends a refresh token and the access and ID tokens issued from it, for a public app client
 * (no secret). One shape for the page and `npm run login -- --logout`; no imports, so the
 * browser bundle takes this file alone. cognito-local answers the same call locally.
 *
 * @param endpoint the user pools API: the origin of the tokens' issuer
 *   (`https://cognito-idp.<region>.amazonaws.com`; cognito-local's address locally)
 */
export function cognitoRevokeTokenRequest(endpoint: string, clientId: string, refreshToken: string): { url: string; init: RequestInit } {
  return {
    url: `${new URL(endpoint).origin}/`,
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSCognitoIdentityProviderService.RevokeToken' },
      body: JSON.stringify({ Token: refreshToken, ClientId: clientId }),
      // Sent even when the page navigates away right after (to the hosted UI's logout).
      keepalive: true,
    },
  };
}

import { LOCAL_NAMES } from './local-cloud.outputs';

/**
 * The local app client: password login for curl and the tests, refresh, and the code flow
 * for the hosted login: the seed's browser page at `/` on the api, and `npm run login`'s
 * loopback callback (its default port, `LOGIN_CALLBACK_PORT`).
 */
export const LOCAL_APP_CLIENT = {
  UserPoolId: LOCAL_NAMES.userPoolId,
  ClientName: LOCAL_NAMES.appClientName,
  ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  AllowedOAuthFlowsUserPoolClient: true,
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['openid', 'email', 'profile'],
  CallbackURLs: ['http://localhost:3000/', 'http://localhost:8976/callback'],
  SupportedIdentityProviders: ['COGNITO'],
} as const;

/**
 * The client as cognito-local stores it in `clients.json`, so that a store rebuilt after
 * damage keeps the client id the running apps were configured with.
 */
export function storedAppClient(clientId: string, now: Date = new Date()) {
  return {
    ...LOCAL_APP_CLIENT,
    ClientId: clientId,
    CreationDate: now.toISOString(),
    LastModifiedDate: now.toISOString(),
    TokenValidityUnits: { AccessToken: 'hours', IdToken: 'minutes', RefreshToken: 'days' },
  };
}

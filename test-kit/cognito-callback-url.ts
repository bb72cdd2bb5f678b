import {
  DescribeUserPoolClientCommand,
  UpdateUserPoolClientCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Adds a callback URL to the app client, as a Cognito admin would for a page or a login tool on
 * a new address (the seeded client lists http://localhost:3000/ only; a test listens on a free port).
 * UpdateUserPoolClient replaces every setting it is given, so the current ones are passed back.
 * One write, never concurrent with another (cognito-local's store breaks on concurrent writes).
 */
export async function registerCallbackUrl(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  clientId: string,
  callbackUrl: string,
): Promise<void> {
  const { UserPoolClient: current } = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  await cognito.send(
    new UpdateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientId: clientId,
      ExplicitAuthFlows: current?.ExplicitAuthFlows,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: current?.AllowedOAuthFlows ?? ['code'],
      AllowedOAuthScopes: current?.AllowedOAuthScopes ?? ['openid', 'email', 'profile'],
      SupportedIdentityProviders: current?.SupportedIdentityProviders ?? ['COGNITO'],
      CallbackURLs: [...new Set([...(current?.CallbackURLs ?? []), callbackUrl])],
    }),
  );
}

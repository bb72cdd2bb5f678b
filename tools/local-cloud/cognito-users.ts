import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';

/** The tokens of one USER_PASSWORD_AUTH login. */
export interface LocalTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

/**
 * Creates the user if it does not exist and sets its permanent password either way.
 * Call it for one user at a time: cognito-local rewrites its whole JSON store on each
 * change, and concurrent writes leave it unreadable.
 */
export async function ensureUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  password: string,
): Promise<void> {
  if (!(await userExists(cognito, userPoolId, username))) {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }),
  );
}

async function userExists(cognito: CognitoIdentityProviderClient, userPoolId: string, username: string): Promise<boolean> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'UserNotFoundException') return false;
    throw error;
  }
}

/** Logs in with USER_PASSWORD_AUTH and returns the three tokens. */
export async function passwordLogin(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  password: string,
): Promise<LocalTokens> {
  const { AuthenticationResult: result } = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  if (!result?.AccessToken || !result.IdToken || !result.RefreshToken) {
    throw new Error(`Cognito returned no tokens for ${username} (a challenge instead?)`);
  }
  return { accessToken: result.AccessToken, idToken: result.IdToken, refreshToken: result.RefreshToken };
}

/** A password that satisfies Cognito's default policy (upper, lower, digit, symbol, 8+). */
export function generatePassword(): string {
  return `Local-${randomBytes(9).toString('base64url')}-7a`;
}

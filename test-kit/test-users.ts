import { randomUUID } from 'node:crypto';
import { decode, type JwtPayload } from 'jsonwebtoken';
import { ensureUser, generatePassword, passwordLogin } from '../tools/local-cloud/cognito-users';
import { createLocalCognitoClient } from '../tools/local-cloud/local-aws.clients';
import { withCognitoWriteLock } from './cognito-write.lock';
import { e2eEnvironment, type E2eEnvironment } from './e2e-environment';

/** A user of the local Cognito pool, logged in once. */
export interface TestUser {
  username: string;
  password: string;
  /** The `sub` claim: what the api records as an upload's owner. */
  sub: string;
  accessToken: string;
  idToken: string;
  refreshToken: string;
}

export interface CreateTestUserOptions {
  /** An e-mail address (the pool takes e-mail usernames only); default a new random one. */
  username?: string;
  /** Default: what the e2e global setup started. */
  env?: E2eEnvironment;
}

/**
 * Creates a user in the e2e run's cognito-local and logs it in, so a suite can have owners of
 * its own (the global setup's `demo` and `other` users are shared by every suite). Writes to
 * cognito-local are serialised across the run's processes ({@link withCognitoWriteLock}).
 *
 * ```ts
 * const alice = await createTestUser();
 * await request(api.getHttpServer()).get('/uploads/…').set('Authorization', bearer(alice));
 * ```
 */
export async function createTestUser({ username, env = e2eEnvironment() }: CreateTestUserOptions = {}): Promise<TestUser> {
  const name = username ?? `user-${randomUUID()}@example.com`;
  const password = generatePassword();
  const cognito = createLocalCognitoClient(env.endpoints.cognito);
  try {
    // A login is a write too: cognito-local stores the refresh token it issues.
    const tokens = await withCognitoWriteLock(env.localCloudDir, async () => {
      await ensureUser(cognito, env.userPoolId, name, password);
      return passwordLogin(cognito, env.clientIds[0], name, password);
    });
    const sub = (decode(tokens.accessToken) as JwtPayload | null)?.sub;
    if (sub === undefined) throw new Error(`The access token of ${name} has no sub`);
    return { username: name, password, sub, ...tokens };
  } finally {
    cognito.destroy();
  }
}

/** The `Authorization` header value for an access token (or a user's): `Bearer <token>`. */
export function bearer(tokenOrUser: string | { accessToken: string }): string {
  return `Bearer ${typeof tokenOrUser === 'string' ? tokenOrUser : tokenOrUser.accessToken}`;
}

import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { decode, type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import { e2eEnvironment } from '../../../test-kit';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/configure-app';
import { AuthorizationExampleController, SIGNIN_SCOPE } from './support/authorization-example.controller';

@Module({ controllers: [AuthorizationExampleController] })
class ExampleModule {}

const FORBIDDEN = { statusCode: 403, message: 'Forbidden' };

/**
 * `@Scopes()` and `@Groups()` with real tokens from the local Cognito: the `other` user is put
 * in the `admins` group and logs in again, so its token carries `cognito:groups`; the demo
 * user stays outside the group.
 */
describe('authorization (@Scopes, @Groups) with local Cognito tokens', () => {
  const env = e2eEnvironment();
  const demo = env.users.demo;
  const other = env.users.other;
  let cognito: CognitoIdentityProviderClient;
  let api: INestApplication;
  let adminToken: string;

  async function login(username: string, password: string): Promise<string> {
    const { AuthenticationResult } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: env.clientIds[0],
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    if (!AuthenticationResult?.AccessToken) throw new Error(`no access token for ${username}`);
    return AuthenticationResult.AccessToken;
  }

  beforeAll(async () => {
    cognito = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      endpoint: env.endpoints.cognito,
      credentials: { ...env.credentials },
      maxAttempts: 1,
    });
    // One write at a time (awaited in turn): cognito-local's store breaks on concurrent writes.
    try {
      await cognito.send(new CreateGroupCommand({ UserPoolId: env.userPoolId, GroupName: 'admins' }));
    } catch (error) {
      if ((error as Error).name !== 'GroupExistsException') throw error;
    }
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: env.userPoolId, Username: other.username, GroupName: 'admins' }),
    );
    // Groups are copied into a token when it is issued: the setup's token predates the group.
    adminToken = await login(other.username, other.password);

    const moduleRef = await Test.createTestingModule({ imports: [AppModule, ExampleModule] }).compile();
    api = moduleRef.createNestApplication({ logger: ['error'] });
    configureApp(api);
    await api.init();
  });

  afterAll(async () => {
    await api?.close();
    cognito?.destroy();
  });

  const get = (path: string, token?: string) => {
    const req = request(api.getHttpServer()).get(`/authorization-example/${path}`);
    return token === undefined ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('the fresh token really carries the group and the sign-in scope', () => {
    const claims = decode(adminToken) as JwtPayload;
    expect(claims['cognito:groups']).toEqual(['admins']);
    expect(claims.scope).toBe(SIGNIN_SCOPE);
    expect((decode(demo.accessToken) as JwtPayload)['cognito:groups']).toBeUndefined();
  });

  it('lets a member of the group reach the controller, with its groups on @CurrentUser()', async () => {
    const res = await get('admins', adminToken).expect(200);
    expect(res.body).toMatchObject({ username: other.username, groups: ['admins'], scopes: [SIGNIN_SCOPE] });
  });

  it('refuses the demo user, who is not in the group, with a generic 403', async () => {
    const res = await get('admins', demo.accessToken).expect(403);
    expect(res.body).toEqual(FORBIDDEN);
    expect(res.text).not.toMatch(/admins|auditors/);
  });

  it('passes @Scopes() with the scope a real access token carries', async () => {
    const res = await get('me', demo.accessToken).expect(200);
    expect(res.body).toMatchObject({ username: demo.username, scopes: [SIGNIN_SCOPE], groups: [] });
  });

  it('refuses a scope the token lacks with 403, even for a group member', async () => {
    expect((await get('writers', demo.accessToken).expect(403)).body).toEqual(FORBIDDEN);
    expect((await get('writers', adminToken).expect(403)).body).toEqual(FORBIDDEN);
  });

  it('authenticates before it authorizes: no token is 401, not 403', async () => {
    const res = await get('admins').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('skips the rules on a @Public() route', async () => {
    await get('open').expect(200, { ok: true });
  });
});

import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { e2eEnvironment } from '../../../test-kit';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/configure-app';
import recordedEvent from './fixtures/http-api-jwt-authorizer.event.json';
import { AuthorizationExampleController, SIGNIN_SCOPE } from './support/authorization-example.controller';

@Module({ controllers: [AuthorizationExampleController] })
class ExampleModule {}

const REFUSAL = { statusCode: 401, message: 'Missing or invalid access token', error: 'Unauthorized' };
const TRUST = 'COGNITO_TRUST_API_GATEWAY_AUTHORIZER';
const LAMBDA = 'AWS_LAMBDA_FUNCTION_NAME';

/**
 * Lambda mode: the api behind an API Gateway HTTP API JWT authorizer. serverless-express (the
 * Lambda entry point of a later issue) puts the Lambda event on `req.apiGateway`; a middleware
 * does the same here with a recorded HTTP API event whose claims are moved onto the local
 * cloud's pool (issuer, client) and into the present (times).
 */
describe('API Gateway JWT authorizer claims (Lambda mode)', () => {
  const env = e2eEnvironment();
  const saved = { [TRUST]: process.env[TRUST], [LAMBDA]: process.env[LAMBDA] };
  /** The event the next request arrives with; undefined: a request without one. */
  let event: unknown;
  const apps: INestApplication[] = [];
  let trusting: INestApplication;
  let verifying: INestApplication;

  function eventWith(claims: Record<string, unknown>): unknown {
    const now = Math.floor(Date.now() / 1000);
    const copy = structuredClone(recordedEvent) as typeof recordedEvent & Record<string, unknown>;
    copy.requestContext.authorizer.jwt.claims = {
      ...copy.requestContext.authorizer.jwt.claims,
      iss: env.issuer,
      client_id: env.clientIds[0],
      auth_time: String(now - 5),
      iat: String(now - 5),
      exp: String(now + 3600),
      ...claims,
    } as typeof copy.requestContext.authorizer.jwt.claims;
    return copy;
  }

  async function createApi(variables: Record<string, string | undefined>): Promise<INestApplication> {
    for (const [name, value] of Object.entries(variables)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    // The api reads the environment when the module compiles, not when it is imported.
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, ExampleModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    apps.push(app);
    // What serverless-express's event-context middleware does with the Lambda invocation.
    app.use((req: Request & { apiGateway?: unknown }, _res: Response, next: NextFunction) => {
      if (event !== undefined) req.apiGateway = { event, context: { functionName: 'test', awsRequestId: randomUUID() } };
      next();
    });
    configureApp(app);
    return app.init();
  }

  const anUpload = (app: INestApplication) => request(app.getHttpServer()).get(`/uploads/${randomUUID()}`);

  beforeAll(async () => {
    trusting = await createApi({ [TRUST]: 'true', [LAMBDA]: 'test' });
    verifying = await createApi({ [TRUST]: 'false', [LAMBDA]: 'test' });
  });

  beforeEach(() => {
    event = undefined;
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('trusts the authorizer claims without an Authorization header: an unknown upload is 404, not 401', async () => {
    event = eventWith({});
    const res = await anUpload(trusting).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'Upload not found' });
  });

  it('builds the principal from the string claims: groups "[admins users]" and scope reach @CurrentUser()', async () => {
    event = eventWith({ scope: `openid ${SIGNIN_SCOPE}` });
    const res = await request(trusting.getHttpServer()).get('/authorization-example/admins').expect(200);
    expect(res.body).toEqual({
      sub: recordedEvent.requestContext.authorizer.jwt.claims.sub,
      username: 'demo@example.com',
      clientId: env.clientIds[0],
      scopes: ['openid', SIGNIN_SCOPE],
      groups: ['admins', 'users'],
    });
    event = eventWith({ scope: SIGNIN_SCOPE, 'cognito:groups': '[users]' });
    await request(trusting.getHttpServer()).get('/authorization-example/admins').expect(403);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a wrong issuer', { iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_NotOurs' }],
    ['a client_id that is not allowed', { client_id: 'not-an-allowed-client' }],
    ['no sub', { sub: undefined }],
    ['an ID token on a route that takes access tokens', { token_use: 'id', aud: env.clientIds[0], client_id: undefined }],
    ['an expired token', { exp: String(Math.floor(Date.now() / 1000) - 3600) }],
  ])('refuses trusted claims with %s: 401', async (_case, claims) => {
    event = eventWith(claims);
    const res = await anUpload(trusting).expect(401);
    expect(res.body).toEqual(REFUSAL);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('falls back to verifying the Bearer token when the request has no authorizer context', async () => {
    await anUpload(trusting).expect(401, REFUSAL);
    await anUpload(trusting).set('Authorization', `Bearer ${env.users.demo.accessToken}`).expect(404);
    await anUpload(trusting).set('Authorization', 'Bearer not.a.token').expect(401, REFUSAL);
  });

  it('with the option off ignores the authorizer context: the same request without a token is 401', async () => {
    event = eventWith({});
    const res = await anUpload(verifying).expect(401);
    expect(res.body).toEqual(REFUSAL);
    // And it still verifies a real token itself.
    await anUpload(verifying).set('Authorization', `Bearer ${env.users.demo.accessToken}`).expect(404);
  });

  it('refuses to start with the option on outside Lambda, naming the variable', async () => {
    process.env[TRUST] = 'true';
    delete process.env[LAMBDA];
    try {
      await expect(Test.createTestingModule({ imports: [AppModule] }).compile()).rejects.toThrow(
        /COGNITO_TRUST_API_GATEWAY_AUTHORIZER.*AWS_LAMBDA_FUNCTION_NAME/,
      );
    } finally {
      process.env[LAMBDA] = 'test';
    }
  });
});

import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { EnvironmentValidationError } from '@lib/config';
import recordedEvent from '../../test/fixtures/http-api-jwt-authorizer.event.json';
import { apiConfigFrom, apiEnvironmentSchema } from '../config';
import { createAuthTestApp } from '../testing/auth-test-app';
import { FakeCognito, TEST_CLIENT_ID, TEST_ISSUER, TEST_POOL_ID } from '../testing/fake-cognito';

const BASE = { COGNITO_USER_POOL_ID: TEST_POOL_ID, COGNITO_CLIENT_IDS: TEST_CLIENT_ID };
const REFUSAL = { statusCode: 401, message: 'Missing or invalid access token', error: 'Unauthorized' };

describe('apiConfigFrom: COGNITO_TRUST_API_GATEWAY_AUTHORIZER', () => {
  it('is off by default, and AWS_LAMBDA_FUNCTION_NAME is read through the config', () => {
    const config = apiConfigFrom(apiEnvironmentSchema.parse(BASE));
    expect(config.cognito.trustApiGatewayAuthorizer).toBe(false);
    expect(config.lambdaFunctionName).toBeUndefined();
    expect(apiConfigFrom(apiEnvironmentSchema.parse({ ...BASE, AWS_LAMBDA_FUNCTION_NAME: 'fn' })).lambdaFunctionName).toBe('fn');
  });

  it('turns on on Lambda only, and fails start-up naming the variable elsewhere', () => {
    const onLambda = { ...BASE, COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'true', AWS_LAMBDA_FUNCTION_NAME: 'fn' };
    expect(apiConfigFrom(apiEnvironmentSchema.parse(onLambda)).cognito.trustApiGatewayAuthorizer).toBe(true);
    const elsewhere = apiEnvironmentSchema.parse({ ...BASE, COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'true' });
    expect(() => apiConfigFrom(elsewhere)).toThrow(EnvironmentValidationError);
    expect(() => apiConfigFrom(elsewhere)).toThrow(/COGNITO_TRUST_API_GATEWAY_AUTHORIZER/);
    expect(apiEnvironmentSchema.safeParse({ ...BASE, COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'yes' }).success).toBe(false);
  });
});

describe('CognitoAuthGuard in Lambda mode (trusting the HTTP API JWT authorizer)', () => {
  const cognito = new FakeCognito();
  let app: INestApplication;
  /** The authorizer claims of the next request's event; undefined: no event at all. */
  let claims: Record<string, unknown> | undefined;

  function claimsWith(overrides: Record<string, unknown>): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      ...recordedEvent.requestContext.authorizer.jwt.claims,
      iss: TEST_ISSUER,
      client_id: TEST_CLIENT_ID,
      iat: String(now),
      exp: String(now + 600),
      ...overrides,
    };
  }

  beforeAll(async () => {
    await cognito.start();
    app = await createAuthTestApp({
      environment: {
        ...BASE,
        COGNITO_JWKS_URI: cognito.jwksUri,
        COGNITO_TRUST_API_GATEWAY_AUTHORIZER: 'true',
        AWS_LAMBDA_FUNCTION_NAME: 'fn',
      },
      // Stands in for serverless-express, which exposes the Lambda event as req.apiGateway.event.
      beforeInit: (nest) =>
        nest.use((req: Request & { apiGateway?: unknown }, _res: Response, next: NextFunction) => {
          if (claims !== undefined) {
            const event = structuredClone(recordedEvent);
            (event.requestContext.authorizer.jwt as { claims: unknown }).claims = claims;
            req.apiGateway = { event, context: {} };
          }
          next();
        }),
    });
  });

  beforeEach(() => {
    claims = undefined;
  });

  afterAll(async () => {
    await app?.close();
    await cognito.stop();
  });

  it('takes the principal from the claims, with no token at all', async () => {
    claims = claimsWith({});
    const res = await request(app.getHttpServer()).get('/private').expect(200);
    expect(res.body).toEqual({
      sub: recordedEvent.requestContext.authorizer.jwt.claims.sub,
      username: 'demo@example.com',
      clientId: TEST_CLIENT_ID,
      scopes: ['openid', 'email'],
      groups: ['admins', 'users'],
    });
  });

  it('prefers the authorizer claims to a Bearer token on the same request', async () => {
    claims = claimsWith({ sub: 'from-the-authorizer' });
    const res = await request(app.getHttpServer()).get('/private').auth(cognito.accessToken(), { type: 'bearer' }).expect(200);
    expect(res.body.sub).toBe('from-the-authorizer');
  });

  it('takes ID-token claims on an @AllowIdToken() route only', async () => {
    claims = claimsWith({ token_use: 'id', aud: TEST_CLIENT_ID, client_id: undefined });
    await request(app.getHttpServer()).get('/id-ok').expect(200);
    await request(app.getHttpServer()).get('/private').expect(401, REFUSAL);
  });

  it('refuses bad claims with the usual 401, even when a valid token comes along', async () => {
    claims = claimsWith({ client_id: 'not-ours' });
    const res = await request(app.getHttpServer()).get('/private').auth(cognito.accessToken(), { type: 'bearer' }).expect(401, REFUSAL);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('verifies the Bearer token itself when there is no authorizer context', async () => {
    await request(app.getHttpServer()).get('/private').auth(cognito.accessToken(), { type: 'bearer' }).expect(200);
    await request(app.getHttpServer()).get('/private').expect(401, REFUSAL);
  });

  it('leaves @Public() routes alone, whatever the claims', async () => {
    claims = claimsWith({ iss: 'https://elsewhere.example' });
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });
});

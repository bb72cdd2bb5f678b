import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { apiConfigFrom, apiEnvironmentSchema } from '../config';
import { createAuthTestApp } from '../testing/auth-test-app';
import { FakeCognito, TEST_CLIENT_ID, TEST_ISSUER, TEST_POOL_ID } from '../testing/fake-cognito';

function createApp(jwksUri: string): Promise<INestApplication> {
  return createAuthTestApp({
    environment: {
      COGNITO_USER_POOL_ID: TEST_POOL_ID,
      COGNITO_CLIENT_IDS: `other-client, ${TEST_CLIENT_ID}`,
      COGNITO_JWKS_URI: jwksUri,
    },
  });
}

const REFUSAL = { statusCode: 401, message: 'Missing or invalid access token', error: 'Unauthorized' };

function unsigned(header: object, payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(payload)}.`;
}

describe('CognitoAuthGuard', () => {
  const cognito = new FakeCognito();
  let app: INestApplication;

  beforeAll(async () => {
    await cognito.start();
    app = await createApp(cognito.jwksUri);
  });

  afterAll(async () => {
    await app?.close();
    await cognito.stop();
  });

  it('derives the issuer from the pool', () => {
    expect(apiConfigFrom(apiEnvironmentSchema.parse({ COGNITO_USER_POOL_ID: TEST_POOL_ID, COGNITO_CLIENT_IDS: 'a' })).cognito)
      .toMatchObject({ issuer: TEST_ISSUER, jwksUri: `${TEST_ISSUER}/.well-known/jwks.json` });
  });

  it('defaults the clock tolerance to 30 s and the refetch budget to 10 s; refuses a tolerance over 60 s', () => {
    const base = { COGNITO_USER_POOL_ID: TEST_POOL_ID, COGNITO_CLIENT_IDS: 'a' };
    expect(apiConfigFrom(apiEnvironmentSchema.parse(base)).cognito).toMatchObject({
      clockToleranceSeconds: 30,
      jwksRefetchIntervalMs: 10_000,
    });
    expect(apiConfigFrom(apiEnvironmentSchema.parse({ ...base, COGNITO_CLOCK_TOLERANCE_S: '0', COGNITO_JWKS_REFETCH_INTERVAL_S: '60' })).cognito)
      .toMatchObject({ clockToleranceSeconds: 0, jwksRefetchIntervalMs: 60_000 });
    expect(apiEnvironmentSchema.safeParse({ ...base, COGNITO_CLOCK_TOLERANCE_S: '61' }).success).toBe(false);
  });

  it('fetched the JWKS at start-up, not on the first request', async () => {
    const before = cognito.jwksRequests;
    expect(before).toBeGreaterThanOrEqual(1);
    await request(app.getHttpServer()).get('/private').auth(cognito.accessToken(), { type: 'bearer' }).expect(200);
    expect(cognito.jwksRequests).toBe(before);
  });

  it('gives a valid access token a typed principal', async () => {
    const res = await request(app.getHttpServer())
      .get('/private')
      .set('Authorization', `Bearer ${cognito.accessToken()}`)
      .expect(200);
    expect(res.body).toEqual({
      sub: 'user-sub-1',
      username: 'demo@example.com',
      clientId: TEST_CLIENT_ID,
      scopes: ['aws.cognito.signin.user.admin', 'openid'],
      groups: ['uploaders'],
    });
  });

  it('lets @Public() routes through without a token', async () => {
    await request(app.getHttpServer()).get('/open').expect(200, { ok: true });
  });

  it.each([
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s with a bare Bearer challenge', async (_name, authorization) => {
    const req = request(app.getHttpServer()).get('/private');
    if (authorization !== undefined) req.set('Authorization', authorization);
    const res = await req.expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toEqual(REFUSAL);
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme that only starts like Bearer', `Bearerx ${'a'.repeat(20)}`],
  ])('refuses %s as presented but invalid credentials', async (_name, authorization) => {
    const res = await request(app.getHttpServer()).get('/private').set('Authorization', authorization).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual(REFUSAL);
  });

  it('never uses a valid token outside the Authorization header', async () => {
    const res = await request(app.getHttpServer()).get(`/private?access_token=${cognito.accessToken()}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual(REFUSAL);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  it.each<[string, () => string]>([
    ['an expired token', () => cognito.accessToken({ exp: now() - 120 })],
    ['nbf in the future', () => cognito.accessToken({ nbf: now() + 120 })],
    ['iat in the future', () => cognito.accessToken({ iat: now() + 120 })],
    ['an ID token for another client', () => cognito.accessToken({ token_use: 'id', aud: 'stranger' })],
    ['a token_use of neither kind', () => cognito.accessToken({ token_use: 'refresh' })],
    ['an oversized header', () => cognito.accessToken({}, { header: { alg: 'RS256', kid: cognito.kid, x5u: 'x'.repeat(600) } })],
    ['four segments', () => `${cognito.accessToken()}.e30`],
    ['bad base64 in the header', () => `!${cognito.accessToken()}`],
    ['a header that is not JSON', () => `${Buffer.from('{"alg":').toString('base64url')}.${cognito.accessToken().split('.').slice(1).join('.')}`],
    ['two tokens in one header', () => `${cognito.accessToken()} ${cognito.accessToken()}`],
    ['a token without exp', () => cognito.accessToken({ exp: undefined })],
    ['another issuer', () => cognito.accessToken({ iss: `${TEST_ISSUER}x` })],
    ['a token without issuer', () => cognito.accessToken({ iss: undefined })],
    ['an ID token', () => cognito.accessToken({ token_use: 'id', aud: TEST_CLIENT_ID })],
    ['an unknown app client', () => cognito.accessToken({ client_id: 'stranger' })],
    ['a token without sub', () => cognito.accessToken({ sub: undefined })],
    ['a token signed by another key', () => cognito.accessToken({}, {}, otherKey)],
    ['an unknown kid', () => cognito.accessToken({}, { keyid: 'rotated-away' })],
    ['an RS512 token', () => cognito.accessToken({}, { algorithm: 'RS512' })],
    ['an HS256 token', () => cognito.accessToken({}, { algorithm: 'HS256' }, 'shared-secret')],
    ['alg none', () => unsigned({ alg: 'none', kid: cognito.kid }, { sub: 'x', token_use: 'access', client_id: TEST_CLIENT_ID, iss: TEST_ISSUER, exp: now() + 60 })],
    ['garbage', () => 'not.a.jwt'],
    ['a tampered payload', () => {
      const [h, , s] = cognito.accessToken().split('.');
      const p = Buffer.from(JSON.stringify({ sub: 'admin', token_use: 'access', client_id: TEST_CLIENT_ID, iss: TEST_ISSUER, exp: now() + 60 })).toString('base64url');
      return `${h}.${p}.${s}`;
    }],
  ])('refuses %s with invalid_token and the same body', async (_name, token) => {
    const res = await request(app.getHttpServer()).get('/private').set('Authorization', `Bearer ${token()}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(res.body).toEqual(REFUSAL);
  });

  it('forgives an expiry within the clock tolerance', async () => {
    await request(app.getHttpServer()).get('/private').auth(cognito.accessToken({ exp: now() - 5 }), { type: 'bearer' }).expect(200);
  });

  it('takes the scheme case-insensitively (RFC 7235)', async () => {
    await request(app.getHttpServer()).get('/private').set('Authorization', `bearer ${cognito.accessToken()}`).expect(200);
  });

  it('takes an ID token on an @AllowIdToken() route only', async () => {
    const idToken = cognito.accessToken({ token_use: 'id', aud: TEST_CLIENT_ID, client_id: undefined, scope: undefined });
    const res = await request(app.getHttpServer()).get('/id-ok').auth(idToken, { type: 'bearer' }).expect(200);
    expect(res.body).toMatchObject({ sub: 'user-sub-1', clientId: TEST_CLIENT_ID, scopes: [] });
    await request(app.getHttpServer()).get('/private').auth(idToken, { type: 'bearer' }).expect(401);
    await request(app.getHttpServer()).get('/id-ok').auth(cognito.accessToken(), { type: 'bearer' }).expect(200);
  });

  it('starts even when the JWKS is unreachable, and then answers 503 with Retry-After', async () => {
    const down = await createApp('http://127.0.0.1:9/jwks.json');
    try {
      const res = await request(down.getHttpServer()).get('/private').auth(cognito.accessToken(), { type: 'bearer' }).expect(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.headers['www-authenticate']).toBeUndefined();
      await request(down.getHttpServer()).get('/open').expect(200);
    } finally {
      await down.close();
    }
  });
});

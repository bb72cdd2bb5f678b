import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Logger, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request, { type Response } from 'supertest';
import { e2eEnvironment } from '../../../test-kit';
import { createLocalCognitoClient } from '../../../tools/local-cloud/local-aws.clients';
import { passwordLogin } from '../../../tools/local-cloud/cognito-users';
import { AuthProbeModule } from './support/auth-probe.module';
import { CognitoLocalSigner, COGNITO_LOCAL_KID } from './support/cognito-local-token.signer';

/** What every refusal looks like, whatever the reason: the reason is in the log only. */
const REFUSAL = { statusCode: 401, message: 'Missing or invalid access token', error: 'Unauthorized' };
const INVALID_TOKEN = 'Bearer error="invalid_token"';
/** RFC 6750 §3.1: no error code when the request carried no bearer credentials at all. */
const BARE = 'Bearer';

type Hostile = { authorization?: string; path?: string; cookie?: string; challenge: string };
/** A hostile case: its name, the reason the guard must log for it, and the request. */
type HostileCase = [name: string, reason: string, build: () => Hostile];

/**
 * The hostile-token table (issue 3, part 1) through the real HTTP stack: the api's AppModule
 * against the local cloud, plus test-only probe routes (one access-only, one
 * `@AllowIdToken()`). Tokens that need a valid signature are signed with cognito-local's
 * real private key, so each case breaks exactly one thing.
 *
 * Decisions: the scheme is case-insensitive (RFC 7235 §2.1), so `bearer <valid>` is
 * accepted. A token outside the header (query, cookie) or another scheme is never used but
 * counts as presented credentials (`error="invalid_token"`, as the issue asks); only a
 * request with no credential at all, or `Bearer` alone, gets a bare challenge (RFC 6750 §3.1).
 */
describe('authentication (hostile tokens through the real api)', () => {
  const env = e2eEnvironment();
  const signer = new CognitoLocalSigner();
  const clientId = env.clientIds[0];
  const demoAccess = env.users.demo.accessToken;
  let demoId: string;
  let api: INestApplication;
  const savedEnv = { ...process.env };

  const now = () => Math.floor(Date.now() / 1000);
  /** The demo user's real access-token claims, made fresh. */
  const access = (change: Record<string, unknown> = {}) => ({
    ...signer.decode(demoAccess).claims,
    iat: now(),
    exp: now() + 600,
    jti: randomUUID(),
    ...change,
  });
  const id = (change: Record<string, unknown> = {}) => ({
    ...signer.decode(demoId).claims,
    iat: now(),
    exp: now() + 600,
    ...change,
  });

  async function createApi(overrides: Record<string, string>): Promise<INestApplication> {
    Object.assign(process.env, overrides);
    // Imported after the environment is set: the api reads it when the module compiles.
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, AuthProbeModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    configureApp(app);
    return app.init();
  }

  function send(app: INestApplication, { authorization, path = '/e2e-auth-probe/access', cookie }: Omit<Hostile, 'challenge'>) {
    const req = request(app.getHttpServer()).get(path);
    if (authorization !== undefined) req.set('Authorization', authorization);
    if (cookie !== undefined) req.set('Cookie', cookie);
    return req;
  }

  function expectRefused(res: Response, challenge: string): void {
    expect({ status: res.status, challenge: res.headers['www-authenticate'], body: res.body }).toEqual({
      status: 401,
      challenge,
      body: REFUSAL,
    });
  }

  beforeAll(async () => {
    const cognito = createLocalCognitoClient(env.endpoints.cognito);
    try {
      demoId = (await passwordLogin(cognito, clientId, env.users.demo.username, env.users.demo.password)).idToken;
    } finally {
      cognito.destroy();
    }
    api = await createApi({});
  });

  afterAll(async () => {
    await api?.close();
    process.env = savedEnv;
  });

  describe('positive controls', () => {
    it('accepts the demo user’s real access token, on the probe and on a real route', async () => {
      const res = await send(api, { authorization: `Bearer ${demoAccess}` }).expect(200);
      expect(res.body).toMatchObject({ sub: signer.decode(demoAccess).claims.sub, clientId });
      // A real route: past the guard, the upload is simply not found.
      await send(api, { authorization: `Bearer ${demoAccess}`, path: `/uploads/${randomUUID()}` }).expect(404);
    });

    it('accepts a token re-signed with the real key (the table’s baseline is valid)', async () => {
      await send(api, { authorization: `Bearer ${signer.rsa(access())}` }).expect(200);
    });

    it('accepts a token expired within the clock tolerance', async () => {
      await send(api, { authorization: `Bearer ${signer.rsa(access({ exp: now() - 5 }))}` }).expect(200);
    });

    it('accepts the lowercase scheme: RFC 7235 makes it case-insensitive', async () => {
      await send(api, { authorization: `bearer ${demoAccess}` }).expect(200);
    });

    it('accepts the demo user’s real ID token on an @AllowIdToken() route', async () => {
      const res = await send(api, { authorization: `Bearer ${demoId}`, path: '/e2e-auth-probe/id' }).expect(200);
      expect(res.body).toMatchObject({ sub: signer.decode(demoId).claims.sub, clientId, scopes: [] });
    });
  });

  const cases: HostileCase[] = [
    ['alg none', 'token segment is not base64url', () => ({ authorization: `Bearer ${signer.unsigned(access())}`, challenge: INVALID_TOKEN })],
    ['alg none with a made-up signature', 'alg "none" is not RS256', () => ({ authorization: `Bearer ${signer.unsigned(access())}c2ln`, challenge: INVALID_TOKEN })],
    ['HS256 with the public key (PEM) as secret', 'alg "HS256" is not RS256', () => ({ authorization: `Bearer ${signer.hmac(access(), signer.publicPem)}`, challenge: INVALID_TOKEN })],
    ['RS256 by another key with kid CognitoLocal', 'invalid signature', () => ({ authorization: `Bearer ${signer.rsa(access(), {}, signer.otherKey)}`, challenge: INVALID_TOKEN })],
    ['RS512 by the real key', 'alg "RS512" is not RS256', () => ({ authorization: `Bearer ${signer.rsa(access(), { alg: 'RS512' })}`, challenge: INVALID_TOKEN })],
    ['an unknown kid', 'no signing key for kid', () => ({ authorization: `Bearer ${signer.rsa(access(), { kid: 'rotated-away' })}`, challenge: INVALID_TOKEN })],
    ['no kid', 'kid is missing', () => ({ authorization: `Bearer ${signer.rsa(access(), { kid: undefined })}`, challenge: INVALID_TOKEN })],
    ['expired beyond the tolerance', 'jwt expired', () => ({ authorization: `Bearer ${signer.rsa(access({ exp: now() - 120 }))}`, challenge: INVALID_TOKEN })],
    ['no exp', 'exp is missing', () => ({ authorization: `Bearer ${signer.rsa(access({ exp: undefined }))}`, challenge: INVALID_TOKEN })],
    ['nbf in the future', 'jwt not active', () => ({ authorization: `Bearer ${signer.rsa(access({ nbf: now() + 120 }))}`, challenge: INVALID_TOKEN })],
    ['iat in the future', 'iat is in the future', () => ({ authorization: `Bearer ${signer.rsa(access({ iat: now() + 120 }))}`, challenge: INVALID_TOKEN })],
    ['a wrong iss', 'jwt issuer invalid', () => ({ authorization: `Bearer ${signer.rsa(access({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }))}`, challenge: INVALID_TOKEN })],
    ['iss with a trailing slash', 'jwt issuer invalid', () => ({ authorization: `Bearer ${signer.rsa(access({ iss: `${env.issuer}/` }))}`, challenge: INVALID_TOKEN })],
    ['no iss', 'jwt issuer invalid', () => ({ authorization: `Bearer ${signer.rsa(access({ iss: undefined }))}`, challenge: INVALID_TOKEN })],
    ['the real ID token on an access-only route', 'an ID token on a route that takes access tokens only', () => ({ authorization: `Bearer ${demoId}`, challenge: INVALID_TOKEN })],
    ['an ID token for another client on an @AllowIdToken() route', 'aud "stranger" is not accepted', () => ({ authorization: `Bearer ${signer.rsa(id({ aud: 'stranger' }))}`, path: '/e2e-auth-probe/id', challenge: INVALID_TOKEN })],
    ['a client_id not allowed', 'client_id "stranger" is not accepted', () => ({ authorization: `Bearer ${signer.rsa(access({ client_id: 'stranger' }))}`, challenge: INVALID_TOKEN })],
    ['token_use missing', 'token_use is undefined', () => ({ authorization: `Bearer ${signer.rsa(access({ token_use: undefined }))}`, challenge: INVALID_TOKEN })],
    ['missing sub', 'sub is missing', () => ({ authorization: `Bearer ${signer.rsa(access({ sub: undefined }))}`, challenge: INVALID_TOKEN })],
    ['a tampered payload (valid signature of another payload)', 'invalid signature', () => {
      const [header, , signature] = signer.rsa(access()).split('.');
      const [, forged] = signer.rsa(access({ sub: 'admin' })).split('.');
      return { authorization: `Bearer ${header}.${forged}.${signature}`, challenge: INVALID_TOKEN };
    }],
    ['the real token with its signature stripped', 'token segment is not base64url', () => ({ authorization: `Bearer ${demoAccess.split('.').slice(0, 2).join('.')}.`, challenge: INVALID_TOKEN })],
    ['two segments', 'token has 2 segments', () => ({ authorization: `Bearer ${demoAccess.split('.').slice(0, 2).join('.')}`, challenge: INVALID_TOKEN })],
    ['four segments', 'token has 4 segments', () => ({ authorization: `Bearer ${demoAccess}.${demoAccess.split('.')[1]}`, challenge: INVALID_TOKEN })],
    ['bad base64 in the payload', 'token segment is not base64url', () => {
      const [header, payload, signature] = demoAccess.split('.');
      return { authorization: `Bearer ${header}.${payload.slice(0, 10)}+${payload.slice(10)}.${signature}`, challenge: INVALID_TOKEN };
    }],
    ['a non-JSON header', 'token header is not JSON', () => ({ authorization: `Bearer ${signer.raw('{"alg":"RS256",', access())}`, challenge: INVALID_TOKEN })],
    ['an oversized header (validly signed)', 'token header longer than', () => ({ authorization: `Bearer ${signer.rsa(access(), { pad: 'x'.repeat(2048) })}`, challenge: INVALID_TOKEN })],
    ['a forged token with the lowercase scheme', 'invalid signature', () => ({ authorization: `bearer ${signer.rsa(access(), {}, signer.otherKey)}`, challenge: INVALID_TOKEN })],
    ['two tokens in one header', 'malformed Bearer credentials', () => ({ authorization: `Bearer ${demoAccess} ${demoAccess}`, challenge: INVALID_TOKEN })],
    ['the real token in the query string', 'an access_token query parameter', () => ({ path: `/e2e-auth-probe/access?access_token=${demoAccess}`, challenge: INVALID_TOKEN })],
    ['the real token in a cookie', 'a JWT in a cookie', () => ({ cookie: `access_token=${demoAccess}; token=${demoAccess}`, challenge: INVALID_TOKEN })],
    ['the Basic scheme', 'the Basic scheme', () => ({ authorization: `Basic ${Buffer.from('demo@example.com:secret').toString('base64')}`, challenge: INVALID_TOKEN })],
    ['"Bearer" with no token', 'no bearer token in the Authorization header', () => ({ authorization: 'Bearer', challenge: BARE })],
    ['no Authorization header', 'no bearer token in the Authorization header', () => ({ challenge: BARE })],
  ];

  it('has at least 25 hostile cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)('refuses %s: 401, the challenge, the same body', async (_name, reason, build) => {
    const { challenge, ...hostile } = build();
    // The reason is only in the log: checked there, so each case fails for its own reason.
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      expectRefused(await send(api, hostile), challenge);
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([expect.stringContaining(reason)]);
    } finally {
      warn.mockRestore();
    }
  });

  it('answers 503 with Retry-After, not 401, when no signing key can be had', async () => {
    const closedPort = await new Promise<number>((resolve, reject) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
      probe.on('error', reject);
    });
    const down = await createApi({ COGNITO_JWKS_URI: `http://127.0.0.1:${closedPort}/${env.userPoolId}/.well-known/jwks.json` });
    try {
      const res = await send(down, { authorization: `Bearer ${demoAccess}` });
      expect(res.status).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Still no way in for a forged token, and still the usual answer without one.
      expectRefused(await send(down, { authorization: `Bearer ${signer.unsigned(access())}` }), INVALID_TOKEN);
      expectRefused(await send(down, {}), BARE);
    } finally {
      await down.close();
      process.env.COGNITO_JWKS_URI = savedEnv.COGNITO_JWKS_URI;
    }
  });

  it('signs with the key the local Cognito publishes (the table is not vacuous)', () => {
    expect(signer.decode(demoAccess).header).toMatchObject({ kid: COGNITO_LOCAL_KID, alg: 'RS256' });
  });
});

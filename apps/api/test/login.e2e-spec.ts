import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { e2eEnvironment, registerCallbackUrl } from '../../../test-kit';
import { createLocalCognitoClient } from '../../../tools/local-cloud';
import { freePort } from '../../../tools/local-cloud/ports';
import { logout } from '../../../tools/login/logout';
import {
  decodeJwtClaims,
  hostedLoginDriver,
  loginWithCodeFlow,
  obtainTokens,
  LoginError,
  TokenStore,
  type StoredTokens,
} from '../../../tools/login';

/**
 * `npm run login`'s code flow with PKCE against the local cloud's cognito-local, with the test
 * playing the browser on the hosted login form; the tokens must be accepted by the real api.
 */
describe('login (authorization code + PKCE against the local cloud)', () => {
  const env = e2eEnvironment();
  const clientId = env.clientIds[0];
  const authServer = env.endpoints.cognito;
  const demo = { username: env.users.demo.username, password: env.users.demo.password };
  let cognito: CognitoIdentityProviderClient;
  let callbackPort: number;
  let dir: string;
  let api: INestApplication;

  function login(credentials = demo, fetchFn: typeof fetch = fetch) {
    return () =>
      loginWithCodeFlow({
        authServer,
        clientId,
        callbackPort,
        scopes: ['openid', 'email', 'profile'],
        authorize: hostedLoginDriver(credentials, fetchFn),
        timeoutMs: 10_000,
      });
  }

  const neverLogIn = () => Promise.reject(new Error('a login was started although the stored tokens should have sufficed'));

  async function createApi(): Promise<INestApplication> {
    // Imported after the environment is set (the global setup did): the api reads it when the module compiles.
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    configureApp(app);
    await app.init();
    return app;
  }

  /** 404 (authenticated, no such upload) rather than 401 proves the guard accepted the token. */
  async function expectAcceptedByApi(accessToken: string): Promise<void> {
    await request(api.getHttpServer()).get(`/uploads/${randomUUID()}`).set('Authorization', `Bearer ${accessToken}`).expect(404);
  }

  beforeAll(async () => {
    cognito = createLocalCognitoClient(authServer);
    // One free port for every login of this suite, so the app client is updated only once.
    callbackPort = await freePort();
    // Left in place afterwards: the local cloud is this run's own, and a second write would only add risk.
    await registerCallbackUrl(cognito, env.userPoolId, clientId, `http://localhost:${callbackPort}/callback`);
    dir = await mkdtemp(join(tmpdir(), 'login-e2e-'));
    api = await createApi();
  });

  afterAll(async () => {
    await api?.close();
    cognito?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe('one user across runs', () => {
    const file = () => join(dir, 'demo', 'tokens.json');
    let first: StoredTokens;

    it('logs in through /oauth2/authorize and /oauth2/token and stores the tokens for the user alone', async () => {
      const { tokens, source } = await obtainTokens({ store: new TokenStore(file()), authServer, clientId, login: login() });
      expect(source).toBe('login');
      first = tokens;

      const access = decodeJwtClaims(tokens.accessToken);
      expect(access).toMatchObject({ iss: env.issuer, client_id: clientId, token_use: 'access', username: demo.username });
      expect(access.exp! * 1000).toBeGreaterThan(Date.now());
      const id = decodeJwtClaims(tokens.idToken);
      expect(id).toMatchObject({ iss: env.issuer, aud: clientId, token_use: 'id', sub: access.sub });
      expect(Date.parse(tokens.expiresAt)).toBeLessThanOrEqual(access.exp! * 1000);

      expect((await stat(file())).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(tokens);
    });

    it('gets an access token the api accepts (and the api does check: no token is 401)', async () => {
      await request(api.getHttpServer()).get(`/uploads/${randomUUID()}`).expect(401);
      await expectAcceptedByApi(first.accessToken);
    });

    it('reuses valid stored tokens without logging in again', async () => {
      const { tokens, source } = await obtainTokens({ store: new TokenStore(file()), authServer, clientId, login: neverLogIn });
      expect(source).toBe('stored');
      expect(tokens).toEqual(first);
    });

    it('refreshes expired tokens with the refresh token instead of logging in again', async () => {
      // Expire the stored access token artificially (cognito-local's last an hour).
      await writeFile(file(), JSON.stringify({ ...first, expiresAt: new Date(Date.now() - 1000).toISOString() }));

      const { tokens, source } = await obtainTokens({ store: new TokenStore(file()), authServer, clientId, login: neverLogIn });
      expect(source).toBe('refreshed');
      expect(tokens.refreshToken).toBe(first.refreshToken);
      expect(tokens.accessToken).not.toBe(first.accessToken);
      expect(Date.parse(tokens.expiresAt)).toBeGreaterThan(Date.now());
      expect(decodeJwtClaims(tokens.accessToken)).toMatchObject({
        iss: env.issuer,
        client_id: clientId,
        token_use: 'access',
        sub: decodeJwtClaims(first.accessToken).sub,
      });
      expect(await new TokenStore(file()).read()).toEqual(tokens);
      expect((await stat(file())).mode & 0o777).toBe(0o600);
      await expectAcceptedByApi(tokens.accessToken);
    });

    it('logs in again when the refresh token is rejected', async () => {
      await writeFile(file(), JSON.stringify({ ...first, refreshToken: 'revoked', expiresAt: new Date(0).toISOString() }));
      const { source, tokens } = await obtainTokens({ store: new TokenStore(file()), authServer, clientId, login: login() });
      expect(source).toBe('login');
      expect(tokens.refreshToken).not.toBe('revoked');
    });

    it('logs out by revoking the refresh token at Cognito: it no longer refreshes, and the stored tokens are gone', async () => {
      const store = new TokenStore(file());
      const stored = (await store.read())!;
      await expect(logout(store, authServer)).resolves.toBe('revoked');
      await expect(stat(file())).rejects.toThrow();
      // The revoked refresh token is refused by the token endpoint: a copy of it is worth nothing.
      const refresh = await fetch(`${authServer}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: stored.refreshToken }),
      });
      expect(refresh.status).toBe(400);
      expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
      await expect(logout(store, authServer)).resolves.toBe('nothing-stored');
    });
  });

  it('reports a wrong password and stores nothing', async () => {
    const store = new TokenStore(join(dir, 'wrong-password', 'tokens.json'));
    const attempt = obtainTokens({ store, authServer, clientId, login: login({ ...demo, password: 'Not-the-password-1' }) });
    await expect(attempt).rejects.toThrow(/incorrect username or password/);
    expect(await store.read()).toBeUndefined();
  });

  it('refuses a callback whose state was tampered with, even with a valid code', async () => {
    // A browser whose redirect was rewritten by an attacker: same code, other state.
    const tampering: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (url.pathname === '/callback') url.searchParams.set('state', 'forged');
      return fetch(url, init);
    };
    const error = await login(demo, tampering)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as Error).message).toMatch(/state that does not match/);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginError } from './login.error';
import type { TokenResponse } from './oauth-token.client';
import { TokenStore, type StoredTokens } from './token-store';
import { obtainTokens } from './token-session';

const AUTH = 'https://example.auth.us-east-1.amazoncognito.com';
const NOW = new Date('2030-01-01T12:00:00.000Z');

/** An unsigned JWT with the given exp: obtainTokens only decodes. */
function jwt(exp: number, marker: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part({ exp, jti: marker })}.sig`;
}

function stored(overrides: Partial<StoredTokens> = {}): StoredTokens {
  return {
    authServer: AUTH,
    clientId: 'client-1',
    accessToken: jwt(NOW.getTime() / 1000 + 3600, 'old'),
    idToken: 'id.old.sig',
    refreshToken: 'refresh-1',
    expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    obtainedAt: NOW.toISOString(),
    ...overrides,
  };
}

describe('obtainTokens', () => {
  let dir: string;
  let store: TokenStore;
  let requests: URLSearchParams[];
  let answer: { status: number; body: object };
  const fakeFetch: typeof fetch = async (_url, init) => {
    requests.push(new URLSearchParams(String(init?.body)));
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  const freshLogin: TokenResponse = { accessToken: jwt(NOW.getTime() / 1000 + 3600, 'login'), idToken: 'id.login.sig', refreshToken: 'refresh-2', expiresIn: 3600 };
  let logins: number;
  const login = async () => {
    logins += 1;
    return freshLogin;
  };
  const run = (extra: { force?: boolean } = {}) =>
    obtainTokens({ store, authServer: AUTH, clientId: 'client-1', login, now: () => NOW, fetch: fakeFetch, ...extra });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'token-session-'));
    store = new TokenStore(join(dir, 'tokens.json'));
    requests = [];
    logins = 0;
    answer = { status: 200, body: { access_token: jwt(NOW.getTime() / 1000 + 1800, 'refreshed'), id_token: 'id.new.sig', expires_in: 3600 } };
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('logs in when nothing is stored, and stores the result', async () => {
    const result = await run();
    expect(result.source).toBe('login');
    expect(logins).toBe(1);
    expect(await store.read()).toEqual(result.tokens);
    expect(result.tokens.expiresAt).toBe(new Date(NOW.getTime() + 3_600_000).toISOString());
  });

  it('returns valid stored tokens untouched', async () => {
    await store.write(stored());
    expect(await run()).toEqual({ tokens: stored(), source: 'stored' });
    expect(logins + requests.length).toBe(0);
  });

  it('refreshes tokens within the margin of expiry, keeps the refresh token, and trusts the earlier exp', async () => {
    await store.write(stored({ expiresAt: new Date(NOW.getTime() + 30_000).toISOString() }));
    const result = await run();
    expect(result.source).toBe('refreshed');
    expect(logins).toBe(0);
    expect(Object.fromEntries(requests[0])).toEqual({ grant_type: 'refresh_token', client_id: 'client-1', refresh_token: 'refresh-1' });
    expect(result.tokens).toMatchObject({ refreshToken: 'refresh-1', idToken: 'id.new.sig', obtainedAt: NOW.toISOString() });
    // exp says 30 min although expires_in says 60: the token's own claim wins.
    expect(result.tokens.expiresAt).toBe(new Date(NOW.getTime() + 1_800_000).toISOString());
    expect(await store.read()).toEqual(result.tokens);
  });

  it('logs in again when the refresh token is rejected (invalid_grant)', async () => {
    await store.write(stored({ expiresAt: new Date(0).toISOString() }));
    answer = { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid refresh token' } };
    const result = await run();
    expect(result.source).toBe('login');
    expect(requests).toHaveLength(1);
    expect(result.tokens.refreshToken).toBe('refresh-2');
  });

  it('reports other refresh failures instead of starting a login', async () => {
    await store.write(stored({ expiresAt: new Date(0).toISOString() }));
    answer = { status: 500, body: { error: 'server_error' } };
    await expect(run()).rejects.toBeInstanceOf(LoginError);
    expect(logins).toBe(0);
  });

  it.each([
    ['another authorization server', { authServer: 'http://127.0.0.1:9229' }],
    ['another app client', { clientId: 'client-2' }],
  ])('ignores tokens of %s', async (_case, overrides) => {
    await store.write(stored(overrides));
    expect((await run()).source).toBe('login');
    expect(requests).toHaveLength(0);
  });

  it('logs in again on --force', async () => {
    await store.write(stored());
    expect((await run({ force: true })).source).toBe('login');
  });
});

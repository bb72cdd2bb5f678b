import { AuthSession, SignInError, type SessionChange, type SessionEnvironment } from './auth-session';
import { s256Challenge } from './pkce';
import type { AuthConfig } from './web-config';

const auth: AuthConfig = {
  authorizeUrl: 'http://127.0.0.1:9229/oauth2/authorize',
  tokenUrl: 'http://127.0.0.1:9229/oauth2/token',
  clientId: 'client123',
  scopes: ['openid', 'email', 'profile'],
  redirectUri: null,
  revokeEndpoint: 'http://127.0.0.1:9229',
  logoutUrl: null,
  signOutRedirectUri: null,
};

/** An unsigned JWT with these claims (the page only reads them). */
const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
/** Lets the promise callbacks a timer started run to their end. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A browser made of fakes: storage, navigation, a token endpoint, a clock and timers. */
function fakeBrowser(tokenAnswers: Array<{ status: number; body: object }>) {
  const storage = new Map<string, string>();
  const requests: Array<Record<string, string>> = [];
  const revocations: Array<{ url: string; target: string; body: unknown; keepalive?: boolean }> = [];
  const timers: Array<{ at: number; run: () => void }> = [];
  let now = 1_000_000;
  const env: SessionEnvironment = {
    location: { origin: 'http://localhost:3000', assign: jest.fn() },
    sessionStorage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    fetch: (async (url: string, init: RequestInit) => {
      if ((init.headers as Record<string, string> | undefined)?.['X-Amz-Target'] !== undefined) {
        revocations.push({ url, target: (init.headers as Record<string, string>)['X-Amz-Target'], body: JSON.parse(init.body as string), keepalive: init.keepalive });
        return new Response('{}', { status: 200 });
      }
      requests.push(Object.fromEntries(new URLSearchParams(init.body as string)));
      const answer = tokenAnswers.shift() ?? { status: 500, body: {} };
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }) as typeof fetch,
    crypto: globalThis.crypto,
    now: () => now,
    setTimeout: (run, ms) => timers.push({ at: now + ms, run }),
    clearTimeout: (handle) => {
      const index = timers.findIndex((_, i) => i + 1 === handle);
      if (index >= 0) timers[index] = { at: Infinity, run: () => undefined };
    },
  };
  return {
    env,
    storage,
    requests,
    revocations,
    /** Moves the clock and runs the timers that are due. */
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timer.at = Infinity;
        timer.run();
      }
    },
  };
}

const tokens = (user: string, extra: object = {}) => ({
  status: 200,
  body: { access_token: jwt({ token_use: 'access', n: Math.random() }), id_token: jwt({ 'cognito:username': user }), expires_in: 3600, ...extra },
});

/** Signs in: leaves for the hosted UI, comes back with a code in the URL. */
async function signIn(session: AuthSession, browser: ReturnType<typeof fakeBrowser>): Promise<URL> {
  await session.signIn();
  const authorize = new URL((browser.env.location.assign as jest.Mock).mock.calls.at(-1)[0]);
  await session.completeSignIn(new URL(`http://localhost:3000/?code=the-code&state=${authorize.searchParams.get('state')}`));
  return authorize;
}

describe('AuthSession', () => {
  it('sends the browser to the hosted UI with an S256 challenge and exchanges the code with its verifier', async () => {
    const browser = fakeBrowser([tokens('demo@example.com', { refresh_token: 'refresh-1' })]);
    const session = new AuthSession(auth, browser.env);
    const changes: SessionChange[] = [];
    session.onChange((change) => changes.push(change));

    const authorize = await signIn(session, browser);

    expect(authorize.origin + authorize.pathname).toBe(auth.authorizeUrl);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'http://localhost:3000/',
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    const exchange = browser.requests[0];
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', client_id: 'client123', redirect_uri: 'http://localhost:3000/' });
    // Recomputed here from the verifier sent with the code: the challenge matches it.
    expect(await s256Challenge(exchange.code_verifier)).toBe(authorize.searchParams.get('code_challenge'));
    expect(changes).toEqual([{ signedIn: true, user: 'demo@example.com' }]);
    // Nothing of the sign-in is left in storage: the tokens live in memory only.
    expect([...browser.storage.keys()]).toEqual([]);
    await expect(session.accessToken()).resolves.toMatch(/^e30\./);
  });

  it('refuses a callback whose state it did not send, without calling the token endpoint', async () => {
    const browser = fakeBrowser([tokens('demo@example.com')]);
    const session = new AuthSession(auth, browser.env);
    await session.signIn();
    await expect(session.completeSignIn(new URL('http://localhost:3000/?code=c&state=forged'))).rejects.toThrow(SignInError);
    expect(browser.requests).toEqual([]);
    expect(session.signedIn).toBe(false);
  });

  it('is not a callback without code or error', async () => {
    const session = new AuthSession(auth, fakeBrowser([]).env);
    await expect(session.completeSignIn(new URL('http://localhost:3000/'))).resolves.toBe(false);
  });

  it('refreshes before the access token expires, keeping the refresh token', async () => {
    const browser = fakeBrowser([tokens('demo@example.com', { refresh_token: 'refresh-1' }), tokens('demo@example.com'), tokens('demo@example.com')]);
    const session = new AuthSession(auth, browser.env);
    await signIn(session, browser);
    const first = await session.accessToken();

    browser.advance(3600_000 - 2 * 60_000);
    await settle();
    expect(browser.requests[1]).toEqual({ grant_type: 'refresh_token', client_id: 'client123', refresh_token: 'refresh-1' });
    const second = await session.accessToken();
    expect(second).not.toBe(first);

    // The next refresh still has the original refresh token (Cognito sends none on refresh).
    browser.advance(3600_000 - 2 * 60_000);
    await settle();
    expect(browser.requests[2]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
  });

  it('ends the session with a reason when the refresh token is refused', async () => {
    const browser = fakeBrowser([
      tokens('demo@example.com', { refresh_token: 'refresh-1' }),
      { status: 400, body: { error: 'invalid_grant' } },
    ]);
    const session = new AuthSession(auth, browser.env);
    const changes: SessionChange[] = [];
    session.onChange((change) => changes.push(change));
    await signIn(session, browser);

    browser.advance(3600_000 - 10_000); // inside the expiry margin: the next use refreshes first
    await expect(session.accessToken()).rejects.toThrow(/signed out/);
    expect(changes.at(-1)).toEqual({ signedIn: false, reason: expect.stringMatching(/sign in again/) });
  });

  it('signs out by forgetting the tokens, and at the hosted UI too when a sign-out URL is configured', async () => {
    const browser = fakeBrowser([tokens('demo@example.com', { refresh_token: 'refresh-1' })]);
    const withLogout = { ...auth, logoutUrl: 'https://x.auth.us-east-1.amazoncognito.com/logout', signOutRedirectUri: 'https://app.example.com/' };
    const session = new AuthSession(withLogout, browser.env);
    await signIn(session, browser);

    session.signOut();

    expect(session.signedIn).toBe(false);
    const logout = new URL((browser.env.location.assign as jest.Mock).mock.calls.at(-1)[0]);
    expect(logout.origin + logout.pathname).toBe(withLogout.logoutUrl);
    expect(Object.fromEntries(logout.searchParams)).toEqual({ client_id: 'client123', logout_uri: 'https://app.example.com/' });
  });

  it('revokes the refresh token at Cognito when the user signs out, not when a session merely ends', async () => {
    const browser = fakeBrowser([tokens('demo@example.com', { refresh_token: 'refresh-1' })]);
    const session = new AuthSession(auth, browser.env);
    await signIn(session, browser);
    session.signOut();
    expect(browser.revocations).toEqual([
      { url: 'http://127.0.0.1:9229/', target: 'AWSCognitoIdentityProviderService.RevokeToken', body: { Token: 'refresh-1', ClientId: 'client123' }, keepalive: true },
    ]);

    const ended = fakeBrowser([tokens('demo@example.com', { refresh_token: 'refresh-2' })]);
    const expiring = new AuthSession(auth, ended.env);
    await signIn(expiring, ended);
    expiring.signOut('Your session has ended. Please sign in again.');
    expect(ended.revocations).toEqual([]);
  });
});

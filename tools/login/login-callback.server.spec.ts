import { LoginCallbackServer } from './login-callback.server';
import { LoginError } from './login.error';

describe('LoginCallbackServer', () => {
  let server: LoginCallbackServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(expectedState = 'state-123'): Promise<LoginCallbackServer> {
    server = await LoginCallbackServer.start({ port: 0, expectedState });
    return server;
  }

  function callback(query: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${server!.port}/callback?${query}`);
  }

  it('listens on a loopback port and names it as http://localhost:<port>/callback', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect(s.redirectUri).toBe(`http://localhost:${s.port}/callback`);
  });

  it('resolves with the code when the state matches', async () => {
    const s = await start();
    const res = await callback('code=the-code&state=state-123');
    expect(res.status).toBe(200);
    await expect(s.waitForCode(5_000)).resolves.toBe('the-code');
  });

  it.each([
    ['another state', 'code=the-code&state=state-999'],
    ['a state of another length', 'code=the-code&state=state-1234'],
    ['no state', 'code=the-code'],
  ])('fails the login on %s, without handing out the code', async (_case, query) => {
    const s = await start();
    const res = await callback(query);
    expect(res.status).toBe(400);
    await expect(s.waitForCode(5_000)).rejects.toThrow(/state that does not match/);
    // The attempt is over: a later, correct callback does not revive it.
    expect((await callback('code=the-code&state=state-123')).status).toBe(409);
  });

  it('reports an error the authorization server sent instead of a code', async () => {
    const s = await start();
    await callback('error=access_denied&error_description=User+said+no&state=state-123');
    const error = await s.waitForCode(5_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as Error).message).toMatch(/access_denied User said no/);
  });

  it('rejects a callback without a code', async () => {
    const s = await start();
    await callback('state=state-123');
    await expect(s.waitForCode(5_000)).rejects.toThrow(/no authorization code/);
  });

  it('answers 404 on other paths and keeps waiting', async () => {
    const s = await start();
    expect((await fetch(`http://127.0.0.1:${s.port}/favicon.ico`)).status).toBe(404);
    await callback('code=c&state=state-123');
    await expect(s.waitForCode(5_000)).resolves.toBe('c');
  });

  it('gives up after the timeout', async () => {
    const s = await start();
    await expect(s.waitForCode(20)).rejects.toThrow(/No login callback arrived/);
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { LoginError } from './login.error';

/** Where the loopback callback listens. */
export interface LoginCallbackOptions {
  /** 0 picks a free port (tests); the CLI uses a fixed one, since it must be registered with the app client. */
  port: number;
  /** The `state` sent with the authorize request; a callback with any other state fails the login. */
  expectedState: string;
  /** Default `/callback`. */
  path?: string;
}

const DONE_PAGE = '<!doctype html><title>Logged in</title><p>Login complete. You can close this tab.</p>';
const FAILED_PAGE = '<!doctype html><title>Login failed</title><p>Login failed; see the terminal.</p>';

/**
 * The loopback HTTP server the authorization server redirects to with `?code=&state=`
 * (RFC 8252 §7.3). It answers one callback and settles {@link code} with it.
 *
 * The redirect URI names `localhost` (the only http host Cognito accepts for callbacks), which
 * a browser may resolve to 127.0.0.1 or ::1, so it listens on both loopback addresses and
 * never on other interfaces.
 */
export class LoginCallbackServer {
  /** Resolves with the authorization code, or rejects with a {@link LoginError}. */
  readonly code: Promise<string>;
  private settle!: { resolve: (code: string) => void; reject: (error: Error) => void };
  private settled = false;

  private constructor(
    private readonly servers: Server[],
    private readonly options: Required<LoginCallbackOptions>,
  ) {
    this.code = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    // A rejection nobody awaits yet (the user has not come back) must not crash the process.
    this.code.catch(() => undefined);
  }

  /** Starts listening on 127.0.0.1 (required) and ::1 (when the host has it) on the same port. */
  static async start(options: LoginCallbackOptions): Promise<LoginCallbackServer> {
    const resolved = { path: '/callback', ...options };
    const servers: Server[] = [];
    const callback = new LoginCallbackServer(servers, resolved);
    const v4 = createServer((req, res) => callback.handle(req, res));
    await listen(v4, resolved.port, '127.0.0.1').catch((error: NodeJS.ErrnoException) => {
      throw new LoginError(
        error.code === 'EADDRINUSE'
          ? `Port ${resolved.port} for the login callback is in use: free it or set LOGIN_CALLBACK_PORT (and register that callback URL)`
          : `Cannot listen for the login callback on 127.0.0.1:${resolved.port}: ${error.message}`,
      );
    });
    servers.push(v4);
    resolved.port = (v4.address() as AddressInfo).port;
    const v6 = createServer((req, res) => callback.handle(req, res));
    // Best effort: a host without IPv6 loopback still works for browsers that pick 127.0.0.1.
    if (await listen(v6, resolved.port, '::1').then(() => true, () => false)) servers.push(v6);
    return callback;
  }

  get port(): number {
    return this.options.port;
  }

  /** The redirect URI to send with the authorize request and the token exchange (byte for byte the same). */
  get redirectUri(): string {
    return `http://localhost:${this.options.port}${this.options.path}`;
  }

  /** {@link code}, or a {@link LoginError} once `timeoutMs` passes without a callback. */
  waitForCode(timeoutMs: number): Promise<string> {
    const timer = setTimeout(
      () => this.fail(new LoginError(`No login callback arrived within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    timer.unref();
    return this.code.finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map((server) => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== this.options.path) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    if (this.settled) {
      res.writeHead(409, { 'Content-Type': 'text/plain' }).end('This login already completed or failed');
      return;
    }
    const error = this.check(url.searchParams);
    if (error) {
      res.writeHead(400, { 'Content-Type': 'text/html' }).end(FAILED_PAGE);
      this.fail(error);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(DONE_PAGE);
    this.settled = true;
    this.settle.resolve(url.searchParams.get('code')!);
  }

  /** Fails closed: a wrong state may be a forged callback (CSRF), so the whole attempt ends. */
  private check(params: URLSearchParams): LoginError | undefined {
    const refused = params.get('error');
    if (refused) {
      return new LoginError(`The authorization server refused the login: ${refused} ${params.get('error_description') ?? ''}`.trim());
    }
    if (!sameState(params.get('state'), this.options.expectedState)) {
      return new LoginError('The login callback carried a state that does not match this login attempt; try again');
    }
    if (!params.get('code')) return new LoginError('The login callback carried no authorization code');
    return undefined;
  }

  private fail(error: LoginError): void {
    if (this.settled) return;
    this.settled = true;
    this.settle.reject(error);
  }
}

function sameState(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

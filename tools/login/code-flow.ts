import { LoginCallbackServer } from './login-callback.server';
import { OAuthTokenClient, type TokenResponse } from './oauth-token.client';
import { createPkcePair, createState } from './pkce';

/** What one authorization-code login needs. */
export interface CodeFlowOptions {
  /** Cognito domain (`https://x.auth.<region>.amazoncognito.com`) or the local endpoint. */
  authServer: string;
  clientId: string;
  /** Loopback callback port, registered with the app client as `http://localhost:<port>/callback`; 0 picks one. */
  callbackPort: number;
  scopes: string[];
  /**
   * Plays the browser's part: open the URL for a person (and return), or drive the login page
   * itself and follow the redirect to the callback (tests, `--username/--password`).
   */
  authorize: (authorizeUrl: string) => Promise<void>;
  /** How long to wait for the callback after `authorize` returned; default 5 minutes. */
  timeoutMs?: number;
  /** Called with the callback URL once the server listens (so a test can register it). */
  onListening?: (redirectUri: string) => void | Promise<void>;
  fetch?: typeof fetch;
}

/**
 * The authorization-code flow with PKCE (RFC 7636, S256) for a native app (RFC 8252):
 * loopback callback, authorize URL with `state` and the challenge, the code exchanged with
 * the verifier at `/oauth2/token`. Returns the token endpoint's answer.
 */
export async function loginWithCodeFlow(options: CodeFlowOptions): Promise<TokenResponse> {
  const pkce = createPkcePair();
  const state = createState();
  const callback = await LoginCallbackServer.start({ port: options.callbackPort, expectedState: state });
  try {
    await options.onListening?.(callback.redirectUri);
    const url = authorizeUrl(options, callback.redirectUri, state, pkce.challenge);
    await options.authorize(url);
    const code = await callback.waitForCode(options.timeoutMs ?? 5 * 60_000);
    const client = new OAuthTokenClient(options.authServer, options.clientId, options.fetch);
    return await client.exchangeCode(code, callback.redirectUri, pkce.verifier);
  } finally {
    await callback.close();
  }
}

/** `<authServer>/oauth2/authorize?response_type=code&...` as Cognito's hosted UI expects it. */
export function authorizeUrl(
  options: Pick<CodeFlowOptions, 'authServer' | 'clientId' | 'scopes'>,
  redirectUri: string,
  state: string,
  codeChallenge: string,
): string {
  const url = new URL(`${options.authServer}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: redirectUri,
    scope: options.scopes.join(' '),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

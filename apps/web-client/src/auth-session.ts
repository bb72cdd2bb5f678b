import { cognitoRevokeTokenRequest } from '../../../libs/contracts/src/cognito-revoke-token';
import { displayName } from './jwt-claims';
import { createPkcePair, randomToken } from './pkce';
import { redirectUriFor, type AuthConfig } from './web-config';

/** Tokens live in this object only: never in localStorage, sessionStorage or a cookie. */
interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** What must survive the trip through the hosted UI: the verifier, never a token. */
interface PendingSignIn {
  state: string;
  verifier: string;
  redirectUri: string;
}

export type SessionChange = { signedIn: true; user: string } | { signedIn: false; reason?: string };

/** The browser APIs the session uses, so that a unit test can hand it fakes. */
export interface SessionEnvironment {
  location: Pick<Location, 'origin' | 'assign'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch: typeof fetch;
  crypto: Crypto;
  now: () => number;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

export class SignInError extends Error {}

const PENDING_SIGN_IN_KEY = 'upload-page:pending-sign-in';
/** Refresh this long before the access token expires (Cognito's last an hour by default). */
const REFRESH_LEAD_MS = 2 * 60_000;
/** A token this close to its expiry is refreshed before use rather than sent. */
const EXPIRY_MARGIN_MS = 30_000;
/** After a refresh that could not reach the token endpoint, try again this soon. */
const REFRESH_RETRY_MS = 30_000;

/**
 * One person's sign-in with the authorization-code flow and PKCE (S256) against Cognito's
 * hosted UI (cognito-local's locally): `signIn()` leaves for the hosted UI, `completeSignIn()`
 * exchanges the code it brings back, a timer refreshes the access token before it expires,
 * and `signOut()` forgets everything.
 */
export class AuthSession {
  private tokens?: Tokens;
  private refreshTimer?: unknown;
  private refreshing?: Promise<void>;
  private readonly listeners = new Set<(change: SessionChange) => void>();

  constructor(
    private readonly auth: AuthConfig,
    private readonly env: SessionEnvironment = browserEnvironment(),
  ) {}

  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  onChange(listener: (change: SessionChange) => void): void {
    this.listeners.add(listener);
  }

  /** Leaves the page for the hosted UI; the verifier waits in sessionStorage for the way back. */
  async signIn(): Promise<void> {
    const pkce = await createPkcePair(this.env.crypto);
    const pending: PendingSignIn = {
      state: randomToken(24, this.env.crypto),
      verifier: pkce.verifier,
      redirectUri: redirectUriFor(this.auth, this.env.location),
    };
    this.env.sessionStorage.setItem(PENDING_SIGN_IN_KEY, JSON.stringify(pending));
    const url = new URL(this.auth.authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.auth.clientId,
      redirect_uri: pending.redirectUri,
      scope: this.auth.scopes.join(' '),
      state: pending.state,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }).toString();
    this.env.location.assign(url.toString());
  }

  /**
   * On the way back from the hosted UI (`?code=…&state=…`, or `?error=…`): checks the state,
   * exchanges the code with the verifier. False when the URL is not such a callback.
   * @throws SignInError in words a person can act on
   */
  async completeSignIn(url: URL): Promise<boolean> {
    const code = url.searchParams.get('code');
    const error = url.searchParams.get('error');
    if (code === null && error === null) return false;
    const pending = this.takePendingSignIn();
    if (error !== null) {
      throw new SignInError(`Sign-in did not complete: ${url.searchParams.get('error_description') ?? error}.`);
    }
    // A state we did not send means a link from elsewhere (or a reload after use): refuse it.
    if (pending === undefined || pending.state !== url.searchParams.get('state')) {
      throw new SignInError('This sign-in link was not started from this page, or it was used already. Please sign in again.');
    }
    const tokens = await this.tokenRequest({
      grant_type: 'authorization_code',
      client_id: this.auth.clientId,
      code: code!,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    });
    this.setTokens(tokens);
    return true;
  }

  /** A usable access token, refreshed first when it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.tokens !== undefined && this.tokens.expiresAt - this.env.now() < EXPIRY_MARGIN_MS) await this.refresh();
    if (this.tokens === undefined) throw new SignInError('You are signed out. Please sign in.');
    return this.tokens.accessToken;
  }

  /**
   * `grant_type=refresh_token`. A refused refresh token ends the session; an unreachable token
   * endpoint keeps the current token (still valid for a while) and tries again soon.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Forgets the tokens. Asked for by the user (no `reason`), it also revokes the refresh token
   * at Cognito, so a copy of it (or of the tokens issued from it) is worthless from then on,
   * and with a hosted-UI logout configured ends that session too. The revocation is sent with
   * `keepalive`, so it completes even when the page leaves for the logout at once.
   */
  signOut(reason?: string): void {
    const hadTokens = this.tokens !== undefined;
    const refreshToken = this.tokens?.refreshToken;
    this.forget(reason);
    if (refreshToken !== undefined && reason === undefined) this.revoke(refreshToken);
    const { logoutUrl, signOutRedirectUri } = this.auth;
    if (hadTokens && reason === undefined && logoutUrl && signOutRedirectUri) {
      const url = new URL(logoutUrl);
      url.search = new URLSearchParams({ client_id: this.auth.clientId, logout_uri: signOutRedirectUri }).toString();
      this.env.location.assign(url.toString());
    }
  }

  private async refreshOnce(): Promise<void> {
    const current = this.tokens;
    if (current === undefined) return;
    if (current.refreshToken === undefined) {
      this.forget('Your session has ended. Please sign in again.');
      return;
    }
    try {
      const tokens = await this.tokenRequest({
        grant_type: 'refresh_token',
        client_id: this.auth.clientId,
        refresh_token: current.refreshToken,
      });
      // Cognito sends no new refresh token on refresh: keep the one we have.
      if (this.tokens === current) this.setTokens({ ...tokens, refreshToken: tokens.refreshToken ?? current.refreshToken });
    } catch (error) {
      if (this.tokens !== current) return;
      if (error instanceof TokenEndpointError && error.refused) {
        this.forget('Your session has ended. Please sign in again.');
      } else if (current.expiresAt <= this.env.now()) {
        this.forget('Your session expired while the sign-in service could not be reached. Please sign in again.');
      } else {
        this.schedule(REFRESH_RETRY_MS);
      }
    }
  }

  private setTokens(tokens: Tokens): void {
    this.tokens = tokens;
    const lifetime = tokens.expiresAt - this.env.now();
    this.schedule(Math.max(5_000, Math.min(lifetime - REFRESH_LEAD_MS, lifetime / 2)));
    this.emit({ signedIn: true, user: displayName(tokens.idToken) });
  }

  private schedule(ms: number): void {
    if (this.refreshTimer !== undefined) this.env.clearTimeout(this.refreshTimer);
    this.refreshTimer = this.env.setTimeout(() => void this.refresh(), ms);
  }

  /** Best effort: a revocation that fails leaves a refresh token that expires by itself. */
  private revoke(refreshToken: string): void {
    const { url, init } = cognitoRevokeTokenRequest(this.auth.revokeEndpoint, this.auth.clientId, refreshToken);
    this.env.fetch(url, init).catch(() => undefined);
  }

  private forget(reason?: string): void {
    if (this.refreshTimer !== undefined) this.env.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const hadTokens = this.tokens !== undefined;
    this.tokens = undefined;
    if (hadTokens) this.emit({ signedIn: false, reason });
  }

  private emit(change: SessionChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private takePendingSignIn(): PendingSignIn | undefined {
    const stored = this.env.sessionStorage.getItem(PENDING_SIGN_IN_KEY);
    // One use only: a reload of the callback URL must not replay the exchange.
    this.env.sessionStorage.removeItem(PENDING_SIGN_IN_KEY);
    if (stored === null) return undefined;
    try {
      return JSON.parse(stored) as PendingSignIn;
    } catch {
      return undefined;
    }
  }

  /** The token endpoint, as a public client (no secret: PKCE protects the code). */
  private async tokenRequest(form: Record<string, string>): Promise<Tokens> {
    let response: Response;
    try {
      response = await this.env.fetch(this.auth.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
      });
    } catch {
      throw new TokenEndpointError('The sign-in service could not be reached. Check your connection and try again.', false);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const refused = body.error === 'invalid_grant';
      throw new TokenEndpointError(
        refused ? 'The sign-in was refused or has expired. Please sign in again.' : `The sign-in service answered ${response.status}. Please try again.`,
        refused,
      );
    }
    const { access_token, id_token, refresh_token, expires_in } = body;
    if (typeof access_token !== 'string' || typeof id_token !== 'string') {
      throw new TokenEndpointError('The sign-in service answered without tokens. Please try again.', false);
    }
    const seconds = typeof expires_in === 'number' ? expires_in : Number(expires_in) || 3600;
    return {
      accessToken: access_token,
      idToken: id_token,
      refreshToken: typeof refresh_token === 'string' ? refresh_token : undefined,
      expiresAt: this.env.now() + seconds * 1000,
    };
  }
}

/** A failed call to the token endpoint; `refused` means the grant itself was rejected. */
export class TokenEndpointError extends SignInError {
  constructor(
    message: string,
    readonly refused: boolean,
  ) {
    super(message);
  }
}

function browserEnvironment(): SessionEnvironment {
  return {
    location: window.location,
    sessionStorage: window.sessionStorage,
    fetch: window.fetch.bind(window),
    crypto: window.crypto,
    now: () => Date.now(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}

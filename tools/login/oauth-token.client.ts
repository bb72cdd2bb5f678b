import { LoginError } from './login.error';

/** The token endpoint's answer (RFC 6749 §5.1); a refresh answer has no new refresh token. */
export interface TokenResponse {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  /** Seconds the access token is valid for. */
  expiresIn: number;
}

/**
 * Talks to `<authServer>/oauth2/token` as a public client (no secret: PKCE protects the code),
 * which is what both Cognito's hosted UI domain and cognito-local serve.
 */
export class OAuthTokenClient {
  constructor(
    readonly authServer: string,
    readonly clientId: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  /** `grant_type=authorization_code` with the PKCE verifier and the exact redirect URI of the authorize request. */
  exchangeCode(code: string, redirectUri: string, codeVerifier: string): Promise<TokenResponse> {
    return this.request(
      { grant_type: 'authorization_code', client_id: this.clientId, code, redirect_uri: redirectUri, code_verifier: codeVerifier },
      true,
    );
  }

  /** `grant_type=refresh_token`; a {@link LoginError} with `oauthError: 'invalid_grant'` means log in again. */
  refresh(refreshToken: string): Promise<TokenResponse> {
    return this.request({ grant_type: 'refresh_token', client_id: this.clientId, refresh_token: refreshToken }, false);
  }

  private async request(form: Record<string, string>, expectRefreshToken: boolean): Promise<TokenResponse> {
    const url = `${this.authServer}/oauth2/token`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
      });
    } catch (error) {
      throw new LoginError(`Cannot reach ${url}: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const error = typeof body.error === 'string' ? body.error : undefined;
      const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
      throw new LoginError(`${form.grant_type} at ${url} failed with ${response.status} ${error ?? ''}${description}`.trim(), error);
    }
    const { access_token, id_token, refresh_token, expires_in } = body;
    if (typeof access_token !== 'string' || typeof id_token !== 'string' || (expectRefreshToken && typeof refresh_token !== 'string')) {
      throw new LoginError(`${url} answered ${response.status} without the expected tokens (is the openid scope allowed?)`);
    }
    return {
      accessToken: access_token,
      idToken: id_token,
      refreshToken: typeof refresh_token === 'string' ? refresh_token : undefined,
      expiresIn: typeof expires_in === 'number' ? expires_in : Number(expires_in) || 3600,
    };
  }
}

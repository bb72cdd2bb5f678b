import { decodeJwtClaims } from './jwt-claims';
import { LoginError } from './login.error';
import { OAuthTokenClient, type TokenResponse } from './oauth-token.client';
import type { StoredTokens, TokenStore } from './token-store';

/** Where the tokens {@link obtainTokens} returns came from. */
export type TokenSource = 'stored' | 'refreshed' | 'login';

export interface ObtainTokensOptions {
  store: TokenStore;
  authServer: string;
  clientId: string;
  /** A full interactive or driven login (normally {@link loginWithCodeFlow}). */
  login: () => Promise<TokenResponse>;
  /** Ignore stored tokens and log in again. */
  force?: boolean;
  /** Tokens this close to expiry count as expired (default 60 s), so a caller never gets one about to lapse. */
  marginMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

/**
 * Valid stored tokens as they are; expired ones renewed with the refresh token
 * (`grant_type=refresh_token`); a login only when there is nothing usable (no tokens, other
 * server or client, refresh token rejected). Whatever is new is stored before returning.
 */
export async function obtainTokens(options: ObtainTokensOptions): Promise<{ tokens: StoredTokens; source: TokenSource }> {
  const now = options.now ?? (() => new Date());
  const stored = options.force ? undefined : await options.store.read();
  const usable = stored && stored.authServer === options.authServer && stored.clientId === options.clientId ? stored : undefined;

  if (usable && Date.parse(usable.expiresAt) - (options.marginMs ?? 60_000) > now().getTime()) {
    return { tokens: usable, source: 'stored' };
  }
  if (usable) {
    try {
      const client = new OAuthTokenClient(options.authServer, options.clientId, options.fetch);
      const refreshed = await client.refresh(usable.refreshToken);
      return { tokens: await save(options, refreshed, usable.refreshToken, now()), source: 'refreshed' };
    } catch (error) {
      // A revoked or expired refresh token means logging in again; anything else (server down) is reported.
      if (!(error instanceof LoginError && (error.oauthError === 'invalid_grant' || error.oauthError === 'invalid_client'))) throw error;
    }
  }
  const fresh = await options.login();
  if (!fresh.refreshToken) throw new LoginError('The token endpoint returned no refresh token');
  return { tokens: await save(options, fresh, fresh.refreshToken, now()), source: 'login' };
}

async function save(options: ObtainTokensOptions, response: TokenResponse, refreshToken: string, at: Date): Promise<StoredTokens> {
  const tokens: StoredTokens = {
    authServer: options.authServer,
    clientId: options.clientId,
    accessToken: response.accessToken,
    idToken: response.idToken,
    refreshToken,
    expiresAt: new Date(expiresAtMs(response, at)).toISOString(),
    obtainedAt: at.toISOString(),
  };
  await options.store.write(tokens);
  return tokens;
}

/** The earlier of the token's own `exp` and `expires_in` from now: neither alone is trusted to be present. */
function expiresAtMs(response: TokenResponse, at: Date): number {
  const fromResponse = at.getTime() + response.expiresIn * 1000;
  try {
    const { exp } = decodeJwtClaims(response.accessToken);
    return typeof exp === 'number' ? Math.min(exp * 1000, fromResponse) : fromResponse;
  } catch {
    return fromResponse;
  }
}

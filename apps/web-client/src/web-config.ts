/**
 * What the api serves at `/web-config.json` (built by apps/api/src/web/web-config.ts; the two
 * are separate apps, so the shape is written down on both sides and the browser test checks
 * that they agree).
 */
export interface WebConfig {
  /** Null when the server has no hosted UI configured (COGNITO_DOMAIN unset): no sign-in. */
  auth: {
    authorizeUrl: string;
    tokenUrl: string;
    clientId: string;
    scopes: string[];
    /** Null: this page's own address (`<origin>/`), which must be a registered callback URL. */
    redirectUri: string | null;
    /** Set only when the hosted UI's session should end too (`<domain>/logout`). */
    logoutUrl: string | null;
    signOutRedirectUri: string | null;
  } | null;
  uploadMaxBytes: number;
}

export type AuthConfig = NonNullable<WebConfig['auth']>;

export async function loadWebConfig(fetchFn: typeof fetch = fetch): Promise<WebConfig> {
  const response = await fetchFn('/web-config.json', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`The page's settings could not be loaded (${response.status})`);
  return (await response.json()) as WebConfig;
}

/** Where the hosted UI sends the browser back: configured, or this page's own address. */
export function redirectUriFor(auth: AuthConfig, location: Pick<Location, 'origin'>): string {
  return auth.redirectUri ?? `${location.origin}/`;
}

// The shape is the api's own (libs/contracts), imported as a type: nothing of it is bundled.
import type { WebPageConfig } from '../../../libs/contracts/src/web-page-config';

export type AuthConfig = NonNullable<WebPageConfig['auth']>;

export async function loadWebConfig(fetchFn: typeof fetch = fetch): Promise<WebPageConfig> {
  const response = await fetchFn('/web-config.json', { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`The page's settings could not be loaded (${response.status})`);
  return (await response.json()) as WebPageConfig;
}

/** Where the hosted UI sends the browser back: configured, or this page's own address. */
export function redirectUriFor(auth: AuthConfig, location: Pick<Location, 'origin'>): string {
  return auth.redirectUri ?? `${location.origin}/`;
}

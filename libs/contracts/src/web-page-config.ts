/**
 * What the api serves at `/web-config.json` for the upload page (apps/web-client): one shape
 * for both sides. Types only, so the browser bundle imports this file alone, without zod.
 */
export interface WebPageConfig {
  /** Null when the server has no hosted UI configured (COGNITO_DOMAIN unset): no sign-in. */
  auth: {
    authorizeUrl: string;
    tokenUrl: string;
    clientId: string;
    scopes: string[];
    /** Null: the page's own address (`<origin>/`), which must be a registered callback URL. */
    redirectUri: string | null;
    /** Where sign-out revokes the refresh token: the user pools API (the issuer's origin). */
    revokeEndpoint: string;
    /** Set only when the hosted UI's session should end too (`<domain>/logout`). */
    logoutUrl: string | null;
    signOutRedirectUri: string | null;
  } | null;
  uploadMaxBytes: number;
}

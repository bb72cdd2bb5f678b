import { resolve } from 'node:path';
import { z } from 'zod';
import { env, EnvironmentValidationError } from '@lib/config';
import type { WebPageConfig } from '@lib/contracts';

/**
 * The upload page's variables (spread into the api's schema, like the publisher's). Only
 * COGNITO_DOMAIN is needed for sign-in; the rest have defaults that suit one api and its page.
 */
export const webEnvironmentShape = {
  // The hosted UI: https://<prefix>.auth.<region>.amazoncognito.com (or a custom domain), the
  // same value `npm run login` reads; cognito-local's endpoint locally. Unset: the page says
  // sign-in is not configured.
  COGNITO_DOMAIN: env.optionalUrl(),
  // The app client the page signs in with; default the first of COGNITO_CLIENT_IDS. It needs
  // the code grant, no secret, and the page's address among its callback URLs.
  WEB_CLIENT_ID: z.string().min(1).optional(),
  // Where the hosted UI returns to; default the page's own address (`<origin>/`).
  WEB_REDIRECT_URI: env.optionalUrl(),
  // Set (and registered as a sign-out URL): signing out also ends the hosted UI's session
  // through `<COGNITO_DOMAIN>/logout`. Unset: the page forgets its tokens only.
  WEB_SIGN_OUT_URI: env.optionalUrl(),
  // The built page (`npm run build` writes dist/apps/web-client), relative to the working directory.
  WEB_ASSETS_DIR: z.string().min(1).default('dist/apps/web-client'),
};

type WebEnvironment = z.infer<ReturnType<typeof z.object<typeof webEnvironmentShape>>>;

/** The scopes the page asks for: enough for an ID token (who is signed in) and the api. */
export const WEB_SCOPES = ['openid', 'email', 'profile'];

export interface WebConfig {
  assetsDir: string;
  page: WebPageConfig;
  /** Origins the page talks to besides its own (the token endpoint), for its CSP. */
  connectOrigins: string[];
}

/**
 * `userPoolsApi`: where Cognito's user pools API answers (sign-out revokes there): the origin
 * of the pool's JWKS, `https://cognito-idp.<region>.amazonaws.com` on AWS, cognito-local's
 * address locally (whose tokens name AWS's issuer, so the issuer cannot tell).
 */
export function webConfigFrom(env: WebEnvironment & { COGNITO_CLIENT_IDS: string[]; UPLOAD_MAX_BYTES: number }, userPoolsApi: string): WebConfig {
  const clientId = env.WEB_CLIENT_ID ?? env.COGNITO_CLIENT_IDS[0];
  // Tokens of another client would be refused by the api: fail at start-up, not at first sign-in.
  if (!env.COGNITO_CLIENT_IDS.includes(clientId)) {
    throw new EnvironmentValidationError([`WEB_CLIENT_ID is "${clientId}": must be one of COGNITO_CLIENT_IDS, whose tokens the api accepts`]);
  }
  const domain = env.COGNITO_DOMAIN?.replace(/\/+$/, '');
  return {
    assetsDir: resolve(env.WEB_ASSETS_DIR),
    connectOrigins: domain ? [...new Set([new URL(domain).origin, new URL(userPoolsApi).origin])] : [],
    page: {
      auth: domain
        ? {
            authorizeUrl: `${domain}/oauth2/authorize`,
            tokenUrl: `${domain}/oauth2/token`,
            clientId,
            scopes: WEB_SCOPES,
            redirectUri: env.WEB_REDIRECT_URI ?? null,
            revokeEndpoint: new URL(userPoolsApi).origin,
            logoutUrl: env.WEB_SIGN_OUT_URI ? `${domain}/logout` : null,
            signOutRedirectUri: env.WEB_SIGN_OUT_URI ?? null,
          }
        : null,
      uploadMaxBytes: env.UPLOAD_MAX_BYTES,
    },
  };
}

import { SetMetadata } from '@nestjs/common';

export const ALLOW_ID_TOKEN = 'auth:allow-id-token';

/**
 * Lets a controller or route accept a Cognito ID token (`token_use: id`, `aud` one of the
 * allowed app clients) as well as an access token. Off by default: an ID token says who
 * the user is to the client, it is not meant as an API credential (no scopes, cannot be
 * revoked by the access-token revocation of a sign-out).
 */
export const AllowIdToken = () => SetMetadata(ALLOW_ID_TOKEN, true);

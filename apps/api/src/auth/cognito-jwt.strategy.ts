import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { apiConfig, type ApiConfig } from '../config';
import { principalFromAccessToken } from './cognito-access-token.claims';
import type { CognitoPrincipal } from './cognito-principal';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';

/** Name of the passport strategy behind {@link CognitoAuthGuard}. */
export const COGNITO_JWT = 'cognito-jwt';

/**
 * Verifies Cognito access tokens from the `Authorization: Bearer` header only: RS256 with a
 * key of the pool's JWKS, the exact issuer, not expired; then the claims
 * ({@link principalFromAccessToken}). What it returns becomes `request.user`.
 */
@Injectable()
export class CognitoJwtStrategy extends PassportStrategy(Strategy, COGNITO_JWT) {
  constructor(
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
    keys: CognitoSigningKeyStore,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (err: unknown, key?: string | Buffer) => void) => {
        keys.keyForToken(rawJwt).then(
          // jsonwebtoken accepts a KeyObject; the typings only list string | Buffer.
          (key: KeyObject) => done(null, key as unknown as Buffer),
          (error: unknown) => done(error),
        );
      },
      algorithms: ['RS256'],
      issuer: config.cognito.issuer,
      ignoreExpiration: false,
    });
  }

  validate(claims: Record<string, unknown>): CognitoPrincipal {
    return principalFromAccessToken(claims, this.config.cognito.clientIds);
  }
}

import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-jwt';
import { apiConfig, type ApiConfig } from '../config';
import { bearerCredentials } from './bearer-token.extractor';
import { verifiedTokenFromClaims, type VerifiedCognitoToken } from './cognito-access-token.claims';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';
import { decodeJwtHeader } from './compact-jwt.parser';
import { InvalidTokenError } from './invalid-token.error';

/** Name of the passport strategy behind {@link CognitoAuthGuard}. */
export const COGNITO_JWT = 'cognito-jwt';

/**
 * Verifies Cognito tokens from the `Authorization: Bearer` header only: a well-formed compact
 * JWS, RS256 with a key of the pool's JWKS, the exact issuer, times within the clock
 * tolerance; then the claims ({@link verifiedTokenFromClaims}). Access and ID tokens both
 * pass here; the guard decides per route whether an ID token is welcome.
 */
@Injectable()
export class CognitoJwtStrategy extends PassportStrategy(Strategy, COGNITO_JWT) {
  constructor(
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
    keys: CognitoSigningKeyStore,
  ) {
    super({
      jwtFromRequest: (request: Request) => bearerCredentials(request).token ?? null,
      secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (err: unknown, key?: string | Buffer) => void) => {
        keyForToken(keys, rawJwt).then(
          // jsonwebtoken accepts a KeyObject; the typings only list string | Buffer.
          (key: KeyObject) => done(null, key as unknown as Buffer),
          (error: unknown) => done(error),
        );
      },
      algorithms: ['RS256'],
      issuer: config.cognito.issuer,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: config.cognito.clockToleranceSeconds },
    });
  }

  validate(claims: Record<string, unknown>): VerifiedCognitoToken {
    return verifiedTokenFromClaims(claims, {
      clientIds: this.config.cognito.clientIds,
      clockToleranceSeconds: this.config.cognito.clockToleranceSeconds,
    });
  }
}

/**
 * The key that must have signed `rawJwt`, chosen by its header. Refuses malformed tokens and
 * anything but RS256 before any lookup, so `alg: none` or HMAC tricks never reach the verifier.
 */
async function keyForToken(keys: CognitoSigningKeyStore, rawJwt: string): Promise<KeyObject> {
  const header = decodeJwtHeader(rawJwt);
  if (header.alg !== 'RS256') throw new InvalidTokenError(`alg ${JSON.stringify(header.alg)} is not RS256`);
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw new InvalidTokenError('kid is missing');
  return keys.keyFor(header.kid);
}

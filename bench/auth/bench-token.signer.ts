import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import * as jwt from 'jsonwebtoken';

/** The pool the benchmark pretends to be: the real Cognito issuer format, a made-up pool. */
export const BENCH_POOL_ID = 'us-east-1_BenchPool1';
export const BENCH_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${BENCH_POOL_ID}`;
export const BENCH_CLIENT_ID = 'benchclient0000000000000001';

/**
 * A stand-in for a user pool's signing key: a fresh RSA-2048 key pair whose public half is
 * served as a JWKS, and access tokens shaped like Cognito's (same claims, same sizes), signed
 * with it. Tokens are signed before any timing starts.
 */
export class BenchTokenSigner {
  readonly kid = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** The JWKS document a Cognito pool serves at `/.well-known/jwks.json`. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: 'RS256', use: 'sig' }] };
  }

  /** A valid access token for a fresh user (valid for an hour, so no run outlives it). */
  accessToken(): string {
    const sub = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub,
      'cognito:groups': ['uploaders'],
      iss: BENCH_ISSUER,
      version: 2,
      client_id: BENCH_CLIENT_ID,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      exp: now + 3600,
      iat: now,
      jti: randomUUID(),
      username: sub,
    };
    return jwt.sign(claims, this.privateKey, { algorithm: 'RS256', keyid: this.kid });
  }
}

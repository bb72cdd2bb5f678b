import { createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { apiConfig, type ApiConfig } from '../config';
import { InvalidTokenError } from './invalid-token.error';

/**
 * The user pool's signing keys, fetched from its JWKS once at start-up and kept as parsed
 * `KeyObject`s (jsonwebtoken re-parses a PEM string on every verify). An unknown `kid`
 * (key rotation) is looked up through jwks-rsa, whose cache and rate limit keep a flood of
 * forged kids from hammering the JWKS endpoint.
 */
@Injectable()
export class CognitoSigningKeyStore implements OnApplicationBootstrap {
  private readonly logger = new Logger(CognitoSigningKeyStore.name);
  private readonly jwks: JwksClient;
  private readonly keys = new Map<string, KeyObject>();

  constructor(@Inject(apiConfig.KEY) private readonly config: ApiConfig) {
    this.jwks = new JwksClient({
      jwksUri: config.cognito.jwksUri,
      cache: true,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: 5_000,
    });
  }

  /** Warms the keys so the first request is not slow; an unreachable JWKS is retried on demand. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const count = await this.refresh();
      this.logger.log(`loaded ${count} signing key(s) from ${this.config.cognito.jwksUri}`);
    } catch (error) {
      this.logger.warn(
        `could not load signing keys from ${this.config.cognito.jwksUri} (will retry on the first request): ${(error as Error).message}`,
      );
    }
  }

  /** Fetches every signing key of the JWKS. */
  async refresh(): Promise<number> {
    const keys = await this.jwks.getSigningKeys();
    for (const key of keys) this.keys.set(key.kid, createPublicKey(key.getPublicKey()));
    return keys.length;
  }

  /**
   * The key that must have signed `rawJwt`, chosen by its header. Refuses anything but RS256
   * before any lookup, so `alg: none` or HMAC tricks never reach the verifier.
   */
  async keyForToken(rawJwt: string): Promise<KeyObject> {
    const header = decodeHeader(rawJwt);
    if (header.alg !== 'RS256') throw new InvalidTokenError(`alg ${JSON.stringify(header.alg)} is not RS256`);
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw new InvalidTokenError('kid is missing');
    const known = this.keys.get(header.kid);
    if (known) return known;
    try {
      const key = createPublicKey((await this.jwks.getSigningKey(header.kid)).getPublicKey());
      this.keys.set(header.kid, key);
      return key;
    } catch (error) {
      throw new InvalidTokenError(`no signing key for kid ${JSON.stringify(header.kid)}: ${(error as Error).message}`);
    }
  }
}

function decodeHeader(rawJwt: string): Record<string, unknown> {
  const [encoded] = rawJwt.split('.');
  try {
    const header: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (typeof header === 'object' && header !== null) return header as Record<string, unknown>;
  } catch {
    // fall through: reported below without echoing the token
  }
  throw new InvalidTokenError('token header is not JSON');
}

import { createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { apiConfig, type ApiConfig } from '../config';
import { InvalidTokenError } from './invalid-token.error';
import { SigningKeysUnavailableError } from './signing-keys-unavailable.error';

/** Injection token for the clock of {@link CognitoSigningKeyStore} (milliseconds); tests swap it. */
export const SIGNING_KEY_CLOCK = Symbol('SIGNING_KEY_CLOCK');

/** A key as the store holds it: parsed once, and since when the JWKS no longer lists it. */
interface HeldKey {
  key: KeyObject;
  missingSince?: number;
}

/**
 * The user pool's signing keys, fetched from its JWKS at start-up and kept as parsed
 * `KeyObject`s (jsonwebtoken re-parses a PEM string on every verify), refreshed in the
 * background once the last good copy is `COGNITO_JWKS_MAX_AGE_S` old (on the next lookup: no
 * timer, which a frozen Lambda environment would not run anyway).
 *
 * jwks-rsa only fetches and parses (`getSigningKeys`); its own cache and rate limit are off
 * because they are per-kid and a rate-limited lookup fails even for known keys. Instead:
 * - a known kid is answered from memory, never waiting on the network;
 * - an unknown kid (key rotation) may trigger a refetch, but every refetch, whatever kid
 *   asked, shares one budget (one per `COGNITO_JWKS_REFETCH_INTERVAL_S`); concurrent askers
 *   share the fetch in flight; with the budget spent the kid is refused at once;
 * - the JWKS decides which keys stand: a key it no longer lists is trusted for
 *   `COGNITO_JWKS_REMOVAL_GRACE_S` more (tokens signed just before), then refused; a forged
 *   kid can only cause a fetch of the real JWKS, and a JWKS outage (no good copy) removes
 *   nothing, so the cached keys keep working;
 * - with no key at all (never loaded, endpoint down) lookups fail with
 *   {@link SigningKeysUnavailableError}: the guard answers 503, not 401.
 */
@Injectable()
export class CognitoSigningKeyStore implements OnApplicationBootstrap {
  private readonly logger = new Logger(CognitoSigningKeyStore.name);
  private readonly jwks: JwksClient;
  private readonly keys = new Map<string, HeldKey>();
  private readonly intervalMs: number;
  private readonly maxAgeMs: number;
  private readonly graceMs: number;
  private readonly now: () => number;
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  /** When the JWKS was last read successfully. */
  private lastLoadedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;

  constructor(
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
    @Optional() @Inject(SIGNING_KEY_CLOCK) now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.intervalMs = config.cognito.jwksRefetchIntervalMs;
    this.maxAgeMs = config.cognito.jwksMaxAgeMs;
    this.graceMs = config.cognito.jwksRemovalGraceMs;
    this.jwks = new JwksClient({ jwksUri: config.cognito.jwksUri, cache: false, rateLimit: false, timeout: 5_000 });
  }

  /** Warms the keys so the first request is not slow; an unreachable JWKS is retried on demand. */
  async onApplicationBootstrap(): Promise<void> {
    await this.refreshWithinBudget();
    if (this.keys.size > 0) this.logger.log(`loaded ${this.keys.size} signing key(s) from ${this.config.cognito.jwksUri}`);
  }

  /** How many keys are known (for tests and health). */
  get size(): number {
    return this.keys.size;
  }

  /**
   * How many keys tokens can be verified with, for readiness: the cached keys, or, with none
   * yet, a fetch within the shared budget (so probes never add JWKS traffic once keys exist).
   */
  async availableKeys(): Promise<number> {
    if (this.keys.size === 0) await this.refreshWithinBudget();
    return this.keys.size;
  }

  /**
   * The key with this `kid`.
   * @throws InvalidTokenError when the JWKS (as far as the budget lets us look) has no such key
   * @throws SigningKeysUnavailableError when no key at all could be loaded
   */
  async keyFor(kid: string): Promise<KeyObject> {
    const known = this.trusted(kid);
    if (known) {
      // Never waited for: a known key answers from memory while a stale copy is refreshed.
      if (this.now() - this.lastLoadedAt >= this.maxAgeMs) void this.refreshWithinBudget();
      return known;
    }
    await this.refreshWithinBudget();
    const fetched = this.trusted(kid);
    if (fetched) return fetched;
    if (this.keys.size === 0) {
      const waitMs = Math.max(0, this.lastFetchAt + this.intervalMs - this.now());
      throw new SigningKeysUnavailableError(
        `no signing keys loaded from ${this.config.cognito.jwksUri}`,
        Math.max(1, Math.ceil(waitMs / 1000)),
      );
    }
    throw new InvalidTokenError(`no signing key for kid ${JSON.stringify(kid)}`);
  }

  /** The key with this kid, unless the JWKS dropped it longer than the grace period ago. */
  private trusted(kid: string): KeyObject | undefined {
    const held = this.keys.get(kid);
    if (held?.missingSince !== undefined && this.now() - held.missingSince >= this.graceMs) {
      this.keys.delete(kid);
      this.logger.warn(`signing key ${JSON.stringify(kid)} is no longer in the JWKS: tokens signed with it are refused from now on`);
      return undefined;
    }
    return held?.key;
  }

  /** Fetches the JWKS unless one fetch is running (joined) or the budget window is not over. */
  private refreshWithinBudget(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.lastFetchAt < this.intervalMs) return Promise.resolve();
    this.lastFetchAt = this.now();
    this.inFlight = this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    try {
      const keys = await this.jwks.getSigningKeys();
      const fetchedAt = this.now();
      const listed = new Set<string>();
      for (const key of keys) {
        if (key.alg !== undefined && key.alg !== 'RS256') continue;
        listed.add(key.kid);
        // Parsed once: a key already held keeps its KeyObject.
        const held = this.keys.get(key.kid);
        if (held) held.missingSince = undefined;
        else this.keys.set(key.kid, { key: createPublicKey(key.getPublicKey()) });
      }
      for (const [kid, held] of this.keys) {
        if (!listed.has(kid)) held.missingSince ??= fetchedAt;
      }
      this.lastLoadedAt = fetchedAt;
    } catch (error) {
      this.logger.warn(
        `could not load signing keys from ${this.config.cognito.jwksUri} (next try in ≥ ${this.intervalMs} ms): ${(error as Error).message}`,
      );
    }
  }
}

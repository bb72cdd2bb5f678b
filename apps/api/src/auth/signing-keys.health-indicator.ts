import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';

/**
 * Readiness of token verification: up while at least one of the user pool's signing keys is
 * loaded. Without one every authenticated request would get 503, so the instance should not
 * take traffic.
 */
@Injectable()
export class SigningKeysHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly store: CognitoSigningKeyStore,
  ) {}

  async check<const K extends string>(key: K): Promise<HealthIndicatorResult<K>> {
    const keys = await this.store.availableKeys();
    const indicator = this.health.check(key);
    return keys > 0 ? indicator.up({ keys }) : indicator.down({ keys, message: 'no signing key loaded from the JWKS' });
  }
}

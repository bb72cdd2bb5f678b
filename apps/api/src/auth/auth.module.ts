import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { CognitoAuthGuard } from './cognito-auth.guard';
import { CognitoAuthorizationGuard } from './cognito-authorization.guard';
import { CognitoJwtStrategy } from './cognito-jwt.strategy';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';

/**
 * Cognito bearer-token authentication for every route (see {@link CognitoAuthGuard}), then
 * `@Scopes()`/`@Groups()` authorization (see {@link CognitoAuthorizationGuard}).
 */
@Module({
  imports: [PassportModule],
  providers: [
    CognitoSigningKeyStore,
    CognitoJwtStrategy,
    { provide: APP_GUARD, useClass: CognitoAuthGuard },
    // After authentication (global guards run in registration order): it reads request.user.
    { provide: APP_GUARD, useClass: CognitoAuthorizationGuard },
  ],
  // For readiness (SigningKeysHealthIndicator): whether tokens can be verified.
  exports: [CognitoSigningKeyStore],
})
export class AuthModule {}

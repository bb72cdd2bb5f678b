import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { CognitoAuthGuard } from './cognito-auth.guard';
import { CognitoJwtStrategy } from './cognito-jwt.strategy';
import { CognitoSigningKeyStore } from './cognito-signing-key.store';

/** Cognito bearer-token authentication for every route (see {@link CognitoAuthGuard}). */
@Module({
  imports: [PassportModule],
  providers: [CognitoSigningKeyStore, CognitoJwtStrategy, { provide: APP_GUARD, useClass: CognitoAuthGuard }],
})
export class AuthModule {}

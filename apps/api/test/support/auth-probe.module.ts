import { Controller, Get, Module } from '@nestjs/common';
import { AllowIdToken, CurrentUser, type CognitoPrincipal } from '../../src/auth';

/**
 * Test-only routes behind the app's real global guard: one that takes access tokens only
 * (the default) and one opted in to ID tokens. Both echo the principal the guard built.
 */
@Controller('e2e-auth-probe')
class AuthProbeController {
  @Get('access')
  access(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  @AllowIdToken()
  @Get('id')
  id(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }
}

/** Import next to `AppModule` in a test to get the probe routes; never part of the app. */
@Module({ controllers: [AuthProbeController] })
export class AuthProbeModule {}

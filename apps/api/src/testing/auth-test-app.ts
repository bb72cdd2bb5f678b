import { Controller, Get, Global, Module, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { apiConfig, apiConfigFrom, apiEnvironmentSchema } from '../config';
import { AllowIdToken } from '../auth/allow-id-token.decorator';
import { AuthModule } from '../auth/auth.module';
import type { CognitoPrincipal } from '../auth/cognito-principal';
import { CurrentUser } from '../auth/current-user.decorator';
import { Public } from '../auth/public.decorator';

/** Routes that echo what the guards let through: access tokens only, ID tokens too, public. */
@Controller()
export class AuthProbeController {
  @Get('private')
  who(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  @AllowIdToken()
  @Get('id-ok')
  idOk(@CurrentUser() user: CognitoPrincipal): CognitoPrincipal {
    return user;
  }

  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}

export interface AuthTestAppOptions {
  /** api environment variables (validated by the real schema). */
  environment: Record<string, string>;
  controllers?: Type<unknown>[];
  /** Runs before `init()`, e.g. to add a middleware standing in for serverless-express. */
  beforeInit?: (app: INestApplication) => void;
}

/**
 * The real `AuthModule` (both global guards) with nothing else of the api, configured from
 * `environment`, serving `controllers` (the probe routes by default). For unit specs.
 */
export async function createAuthTestApp({
  environment,
  controllers = [AuthProbeController],
  beforeInit,
}: AuthTestAppOptions): Promise<INestApplication> {
  const config = apiConfigFrom(apiEnvironmentSchema.parse(environment));
  @Global()
  @Module({ providers: [{ provide: apiConfig.KEY, useValue: config }], exports: [apiConfig.KEY] })
  class TestConfigModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestConfigModule, AuthModule], controllers }).compile();
  moduleRef.useLogger(false);
  const app = moduleRef.createNestApplication({ logger: false });
  beforeInit?.(app);
  return app.init();
}

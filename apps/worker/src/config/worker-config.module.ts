import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from '@lib/config';
import { workerEnvironmentSchema } from './worker-environment.schema';

/** Variables that take precedence over `process.env` (e2e tests starting several workers). */
export type WorkerEnvironmentOverrides = Record<string, string | undefined>;

/**
 * The validated worker environment behind `ConfigService<WorkerEnvironment, true>`.
 *
 * The schema runs in a `load` factory rather than `ConfigModule.forRoot({ validate })`:
 * `validate` runs when `forRoot()` is called (at import time, before tests set the
 * environment) and copies every default back into `process.env`, where a second worker
 * in the same process would inherit it. A factory runs when the app is created, and
 * `skipProcessEnv` makes `ConfigService` answer from the parsed values only.
 */
@Module({})
export class WorkerConfigModule {
  static forRoot(overrides: WorkerEnvironmentOverrides = {}): DynamicModule {
    const validate = validateEnvironment(workerEnvironmentSchema);
    return {
      module: WorkerConfigModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => validate({ ...process.env, ...overrides })],
        }),
      ],
    };
  }
}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { apiConfig } from './api.config';

/** Validates the environment once and offers `apiConfig.KEY` (and `ConfigService`) everywhere. */
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // Deployments configure through the environment only; no .env file is read.
      ignoreEnvFile: true,
      load: [apiConfig],
    }),
  ],
})
export class ApiConfigModule {}

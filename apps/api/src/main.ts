import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { apiConfig, type ApiConfig } from './config';
import { configureApp } from './configure-app';
import { applyServerLimits } from './http/http-hardening';

async function bootstrap(): Promise<void> {
  // abortOnError: false lets a configuration error reach the catch below as one clear line.
  // bufferLogs: start-up lines wait for the structured logger instead of going out in Nest's format.
  const app = await NestFactory.create(AppModule, { abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  configureApp(app);
  app.enableShutdownHooks();
  const { host, port, http } = app.get<ApiConfig>(apiConfig.KEY);
  applyServerLimits(app.getHttpServer(), http);
  await app.listen(port, host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  Logger.log(`api listening on ${url} (docs at ${url}/docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});

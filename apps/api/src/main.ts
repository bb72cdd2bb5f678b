import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { apiConfig, type ApiConfig } from './config';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  // abortOnError: false lets a configuration error reach the catch below as one clear line.
  const app = await NestFactory.create(AppModule, { abortOnError: false });
  configureApp(app);
  app.enableShutdownHooks();
  const { host, port } = app.get<ApiConfig>(apiConfig.KEY);
  await app.listen(port, host);
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  Logger.log(`api listening on ${url} (docs at ${url}/docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Bootstrap');
  process.exit(1);
});

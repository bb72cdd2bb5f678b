import type { DynamicModule, INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { ServerKinesis } from '@lib/kinesis';
import type { WorkerEnvironment } from './config/worker-environment.schema';
import { WorkerModule } from './worker.module';

export interface CreateWorkerAppOptions extends Omit<NestApplicationOptions, 'abortOnError'> {
  /**
   * Close the app on SIGTERM/SIGINT (default true). Tests that start several workers in
   * one process turn it off and call `app.close()` themselves.
   */
  shutdownHooks?: boolean;
}

/**
 * Builds and starts a worker: the Kinesis transport reading the stream, and the health
 * endpoints on `WORKER_HEALTH_PORT` (0 picks a free one; `await app.getUrl()` tells which).
 * `app.close()` stops the transport (in-flight records finish, leases are released) before
 * the AWS clients are destroyed.
 *
 * @param module the root module, `WorkerModule.forRoot()` by default; pass
 *   `WorkerModule.forRoot({ environment })` to start a worker with its own variables.
 * @throws EnvironmentValidationError naming each bad or missing variable
 */
export async function createWorkerApp(
  module: Type<unknown> | DynamicModule = WorkerModule.forRoot(),
  { shutdownHooks = true, ...options }: CreateWorkerAppOptions = {},
): Promise<INestApplication> {
  // abortOnError would exit the process on a start-up error; callers decide that themselves.
  // bufferLogs: start-up lines wait for the structured logger (LoggingModule) instead of going
  // out in Nest's own format.
  const app = await NestFactory.create(module, { bufferLogs: true, ...options, abortOnError: false });
  try {
    app.useLogger(app.get(PinoLogger));
    if (shutdownHooks) app.enableShutdownHooks();
    app.connectMicroservice({ strategy: app.get(ServerKinesis) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    const config = app.get<ConfigService<WorkerEnvironment, true>>(ConfigService);
    await app.listen(config.get('WORKER_HEALTH_PORT', { infer: true }), config.get('HOST', { infer: true }));
    Logger.log(`worker reading ${config.get('KINESIS_STREAM_NAME', { infer: true })}; health at ${await app.getUrl()}/health`, 'Worker');
    return app;
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}

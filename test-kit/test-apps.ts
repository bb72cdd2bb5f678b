import { randomUUID } from 'node:crypto';
import type { INestApplication, LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { createStream } from './aws';
import { e2eEnvironment, type E2eEnvironment } from './e2e-environment';

type Logger = LoggerService | LogLevel[] | false;

/** Test output shows what went wrong, not every request. */
const QUIET: LogLevel[] = ['error', 'warn'];

export interface CreateTestStreamOptions {
  /** Start of the stream's name, for reading logs; default `e2e`. */
  prefix?: string;
  /** Default 2: enough for records to spread, few enough to read quickly. */
  shards?: number;
  env?: E2eEnvironment;
}

/**
 * Creates a stream of its own for a suite and returns its name. Suites run side by side on
 * one local cloud, and workers on a shared stream would take each other's records.
 */
export async function createTestStream({ prefix = 'e2e', shards = 2, env = e2eEnvironment() }: CreateTestStreamOptions = {}): Promise<string> {
  const streamName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await createStream(env, streamName, shards);
  return streamName;
}

export interface StartApiOptions {
  /** The stream the api publishes to (see {@link createTestStream}); default the global setup's. */
  streamName?: string;
  /** Variables for this api only, over the e2e environment (`UPLOAD_MAX_BYTES`, …). */
  environment?: Record<string, string>;
  /** More modules, e.g. one with a test controller. */
  imports?: ModuleMetadata['imports'];
  /** Changes to the testing module before it compiles: `(builder) => builder.overrideProvider(X).useValue(y)`. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Also listen on a free loopback port (`await app.getUrl()`), for clients other than supertest. */
  listen?: boolean;
  /** Default errors and warnings only. */
  logger?: Logger;
}

/**
 * The api as `main.ts` builds it (`AppModule` + `configureApp`), initialised against the e2e
 * local cloud. Use it with `request(app.getHttpServer())`; close it in `afterAll`.
 */
export async function startApi({
  streamName,
  environment = {},
  imports = [],
  override = (builder) => builder,
  listen = false,
  logger = QUIET,
}: StartApiOptions = {}): Promise<INestApplication> {
  const variables = { ...environment, ...(streamName === undefined ? {} : { KINESIS_STREAM_NAME: streamName }) };
  // The api reads process.env while its modules are built; the variables apply to this app only.
  return withVariables(variables, async () => {
    // Imported here, not at the top: a suite that only needs waitFor does not load the api.
    const { AppModule } = await import('../apps/api/src/app.module');
    const { configureApp } = await import('../apps/api/src/configure-app');
    const moduleRef = await override(Test.createTestingModule({ imports: [AppModule, ...imports] })).compile();
    const app = moduleRef.createNestApplication({ logger });
    configureApp(app);
    try {
      await app.init();
      if (listen) await app.listen(0, '127.0.0.1');
      return app;
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
  });
}

export interface StartWorkerOptions {
  /** The stream the worker reads (see {@link createTestStream}); default the global setup's. */
  streamName?: string;
  /** Variables for this worker only (`WORKER_ID`, `KINESIS_MAX_ATTEMPTS`, …). */
  environment?: Record<string, string>;
  /** Default errors and warnings only. */
  logger?: Logger;
}

/**
 * A worker reading the stream from the trim horizon, in-process, with its health server on a
 * free port and no signal handlers (the test closes it: `await worker.close()`).
 */
export async function startWorker({ streamName, environment = {}, logger = QUIET }: StartWorkerOptions = {}): Promise<INestApplication> {
  const { WorkerModule } = await import('../apps/worker/src/worker.module');
  const { createWorkerApp } = await import('../apps/worker/src/create-worker-app');
  return createWorkerApp(
    WorkerModule.forRoot({
      environment: {
        WORKER_HEALTH_PORT: '0',
        HOST: '127.0.0.1',
        ...environment,
        ...(streamName === undefined ? {} : { KINESIS_STREAM_NAME: streamName }),
      },
    }),
    { shutdownHooks: false, logger },
  );
}

export interface TestPipeline {
  streamName: string;
  api: INestApplication;
  worker: INestApplication;
  /** Closes the worker (it finishes its records and releases its leases), then the api. */
  close(): Promise<void>;
}

/** The whole pipeline on a fresh stream: api → Kinesis → worker → S3, both apps in-process. */
export async function startPipeline(
  options: { stream?: Omit<CreateTestStreamOptions, 'env'>; api?: Omit<StartApiOptions, 'streamName'>; worker?: Omit<StartWorkerOptions, 'streamName'> } = {},
): Promise<TestPipeline> {
  const streamName = await createTestStream(options.stream);
  const api = await startApi({ ...options.api, streamName });
  let worker: INestApplication;
  try {
    worker = await startWorker({ ...options.worker, streamName });
  } catch (error) {
    await api.close();
    throw error;
  }
  return {
    streamName,
    api,
    worker,
    async close() {
      await worker.close();
      await api.close();
    },
  };
}

/** Runs `body` with `variables` in process.env, then puts back exactly what was there. */
export async function withVariables<T>(variables: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = new Map(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

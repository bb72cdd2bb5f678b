import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../app.module';
import { configureApp } from '../configure-app';
import { TEST_CLIENT_ID, TEST_POOL_ID } from './fake-cognito';

/** The environment of an api under unit test (AWS clients are mocked by the spec). */
export function testEnvironment(jwksUri: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    COGNITO_USER_POOL_ID: TEST_POOL_ID,
    COGNITO_CLIENT_IDS: TEST_CLIENT_ID,
    COGNITO_JWKS_URI: jwksUri,
    KINESIS_STREAM_NAME: 'file-events',
    S3_BUCKET: 'file-store',
    UPLOADS_TABLE: 'file-uploads',
    ...extra,
  };
}

/**
 * Runs `body` with `variables` set in process.env, restoring it afterwards. Unit specs set
 * only what they need; anything inherited from the shell that the api reads is cleared.
 */
export async function withEnvironment<T>(variables: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) {
    if (/^(AWS_|COGNITO_|KINESIS_|S3_|UPLOAD|PORT$|HOST$)/.test(name)) delete process.env[name];
  }
  Object.assign(process.env, variables);
  try {
    return await body();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/** The whole api as the e2e suite and main.ts build it, from the environment given. */
export function createApi(variables: Record<string, string>): Promise<INestApplication> {
  return withEnvironment(variables, async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    moduleRef.useLogger(false);
    const app = moduleRef.createNestApplication({ logger: false });
    configureApp(app);
    return app.init();
  });
}

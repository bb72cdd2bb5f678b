import type { INestApplication } from '@nestjs/common';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { DEFAULT_UPLOAD_INLINE_MAX_BYTES, INLINE_UPLOAD_CAPACITY } from './config';
import { FakeCognito } from './testing/fake-cognito';
import { createApi, testEnvironment } from './testing/mocked-api';

const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

describe('AppModule', () => {
  const cognito = new FakeCognito();
  beforeAll(() => cognito.start());
  afterAll(() => cognito.stop());

  describe('configuration', () => {
    it.each([
      ['COGNITO_USER_POOL_ID', { COGNITO_USER_POOL_ID: '' }, /COGNITO_USER_POOL_ID/],
      ['COGNITO_CLIENT_IDS', { COGNITO_CLIENT_IDS: ' , ' }, /COGNITO_CLIENT_IDS/],
      ['PORT', { PORT: 'eighty' }, /PORT is "eighty"/],
      ['COGNITO_JWKS_URI', { COGNITO_JWKS_URI: 'not a url' }, /COGNITO_JWKS_URI/],
      ['UPLOAD_INLINE_MAX_BYTES', { UPLOAD_INLINE_MAX_BYTES: String(INLINE_UPLOAD_CAPACITY + 1) }, /UPLOAD_INLINE_MAX_BYTES .*Kinesis record/],
      ['UPLOAD_MAX_BYTES', { UPLOAD_MAX_BYTES: String(5 * 1024 ** 3 + 1) }, /UPLOAD_MAX_BYTES .*5 GiB/],
    ])('refuses to start with a bad %s, naming it', async (_name, change, message) => {
      const environment = { ...testEnvironment(cognito.jwksUri), ...change };
      for (const [name, value] of Object.entries(change)) if (value === '') delete (environment as Record<string, string>)[name];
      await expect(createApi(environment)).rejects.toThrow(message);
    });

    it('keeps the default inline threshold inside one record', () => {
      expect(INLINE_UPLOAD_CAPACITY).toBeGreaterThanOrEqual(DEFAULT_UPLOAD_INLINE_MAX_BYTES);
      // base64 of the capacity plus a generous envelope still fits 1 MiB
      expect(Math.ceil(INLINE_UPLOAD_CAPACITY / 3) * 4 + 8 * 1024).toBeLessThanOrEqual(1024 * 1024);
    });
  });

  describe('health and docs', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createApi(testEnvironment(cognito.jwksUri));
    });
    afterAll(() => app?.close());
    beforeEach(() => {
      kinesis.reset().on(DescribeStreamSummaryCommand).resolves({});
      s3.reset().on(HeadBucketCommand).resolves({});
      dynamodb.reset().on(GetCommand).resolves({});
    });

    it('answers liveness without a token', async () => {
      await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
    });

    it('is ready when the stream, bucket and table answer', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { kinesis: { status: 'up' }, s3: { status: 'up' }, dynamodb: { status: 'up' }, cognito: { status: 'up', keys: 1 } },
      });
      expect(kinesis.commandCalls(DescribeStreamSummaryCommand)[0].args[0].input).toEqual({ StreamName: 'file-events' });
      expect(s3.commandCalls(HeadBucketCommand)[0].args[0].input).toEqual({ Bucket: 'file-store' });
      expect(dynamodb.commandCalls(GetCommand)[0].args[0].input.TableName).toBe('file-uploads');
    });

    it('is not ready while no signing key could be loaded (every token would get 503)', async () => {
      const keyless = await createApi({ ...testEnvironment(cognito.jwksUri), COGNITO_JWKS_URI: 'http://127.0.0.1:9/.well-known/jwks.json' });
      try {
        const res = await request(keyless.getHttpServer()).get('/health/ready').expect(503);
        expect(res.body).toMatchObject({ status: 'error', error: { cognito: { status: 'down', keys: 0 } }, info: { kinesis: { status: 'up' } } });
      } finally {
        await keyless.close();
      }
    });

    it('answers 503 naming the dependency that is down, with a reason code and no AWS error text', async () => {
      // A fresh api: readiness answers are shared for a few seconds, and the one above saw everything up.
      const fresh = await createApi(testEnvironment(cognito.jwksUri));
      try {
        s3.on(HeadBucketCommand).rejects(Object.assign(new Error('no such bucket file-store'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
        const res = await request(fresh.getHttpServer()).get('/health/ready').expect(503);
        expect(res.body).toMatchObject({ status: 'error', error: { s3: { status: 'down', reason: 'operator' } }, info: { kinesis: { status: 'up' } } });
        expect(JSON.stringify(res.body)).not.toMatch(/no such bucket|file-store/);
      } finally {
        await fresh.close();
      }
    });

    it('serves the OpenAPI document publicly, with bearer auth declared', async () => {
      const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
      expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/uploads', '/uploads/{id}', '/uploads/{id}/content', '/health', '/health/ready']));
      await request(app.getHttpServer()).get('/docs').expect(200);
    });

    it('answers unknown routes in Nest JSON', async () => {
      const res = await request(app.getHttpServer()).get('/nope').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });
});

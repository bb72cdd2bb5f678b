import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import * as jwt from 'jsonwebtoken';
import request from 'supertest';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream, localS3Client } from '../../../test-kit/aws';
import { WorkerModule } from '../../worker/src/worker.module';
import { createWorkerApp } from '../../worker/src/create-worker-app';

/**
 * The whole pipeline on the local cloud: this api and a worker, in-process, on a stream of
 * their own (other suites run beside this one on the same local cloud).
 */
describe('uploads (api → Kinesis → worker → S3)', () => {
  const env = e2eEnvironment();
  const streamName = `e2e-uploads-${randomUUID().slice(0, 8)}`;
  const demo = `Bearer ${env.users.demo.accessToken}`;
  const other = `Bearer ${env.users.other.accessToken}`;
  let api: INestApplication;
  let worker: INestApplication;
  let s3: S3Client;

  async function createApi(overrides: Record<string, string>): Promise<INestApplication> {
    Object.assign(process.env, overrides);
    // Imported after the environment is set: the api reads it when the module compiles.
    const { AppModule } = await import('../src/app.module');
    const { configureApp } = await import('../src/configure-app');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
    configureApp(app);
    await app.init();
    return app;
  }

  async function storedBytes(key: string): Promise<{ body: Buffer; contentType?: string; metadata?: Record<string, string> }> {
    const object = await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }));
    return {
      body: Buffer.from(await object.Body!.transformToByteArray()),
      contentType: object.ContentType,
      metadata: object.Metadata,
    };
  }

  beforeAll(async () => {
    s3 = localS3Client(env);
    await createStream(env, streamName, 4);
    api = await createApi({ KINESIS_STREAM_NAME: streamName });
    worker = await createWorkerApp(
      WorkerModule.forRoot({
        environment: { KINESIS_STREAM_NAME: streamName, WORKER_HEALTH_PORT: '0', HOST: '127.0.0.1' },
      }),
      { shutdownHooks: false, logger: ['error', 'warn'] },
    );
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    s3?.destroy();
  });

  it('accepts a text upload with 202 and the object lands in S3 with identical bytes', async () => {
    const text = `hello from the e2e suite ${randomUUID()}\n`;
    const res = await request(api.getHttpServer())
      .post('/uploads')
      .set('Authorization', demo)
      .set('Content-Type', 'text/plain')
      .send(text)
      .expect(202);
    expect(res.body).toEqual({
      message: 'File uploaded and event sent',
      file_key: `uploads/${res.body.id}.txt`,
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const stored = await waitFor(() => storedBytes(res.body.file_key), {
      timeoutMs: 15_000,
      description: `object ${res.body.file_key} in S3`,
    });
    expect(stored.body.toString('utf8')).toBe(text);
    expect(stored.contentType).toMatch(/^text\/plain/);
    expect(stored.metadata?.['owner-username']).toBe(env.users.demo.username);

    const status = await waitFor(
      async () => {
        const r = await request(api.getHttpServer()).get(`/uploads/${res.body.id}`).set('Authorization', demo);
        return r.status === 200 && r.body.status === 'stored' ? r.body : undefined;
      },
      { timeoutMs: 15_000, description: 'status stored' },
    );
    expect(status).toMatchObject({ id: res.body.id, file_key: res.body.file_key, size: Buffer.byteLength(text) });

    const content = await request(api.getHttpServer())
      .get(`/uploads/${res.body.id}/content`)
      .set('Authorization', demo)
      .buffer(true)
      .expect(200);
    expect(content.text).toBe(text);
  });

  it('stores a binary raw upload byte for byte, with the extension from X-Filename', async () => {
    const bytes = randomBytes(256 * 1024);
    const res = await request(api.getHttpServer())
      .post('/uploads')
      .set('Authorization', demo)
      .set('Content-Type', 'application/octet-stream')
      .set('X-Filename', '../../etc/Holiday Photo.PNG')
      .send(bytes)
      .expect(202);
    expect(res.body.file_key).toBe(`uploads/${res.body.id}.png`);
    const stored = await waitFor(() => storedBytes(res.body.file_key), {
      timeoutMs: 15_000,
      description: `object ${res.body.file_key} in S3`,
    });
    expect(stored.body.equals(bytes)).toBe(true);
  });

  it('stores a multipart upload', async () => {
    const bytes = randomBytes(10_000);
    const res = await request(api.getHttpServer())
      .post('/uploads')
      .set('Authorization', demo)
      .attach('file', bytes, { filename: 'data.bin', contentType: 'application/octet-stream' })
      .expect(202);
    expect(res.body.file_key).toBe(`uploads/${res.body.id}.bin`);
    const stored = await waitFor(() => storedBytes(res.body.file_key), {
      timeoutMs: 15_000,
      description: `object ${res.body.file_key} in S3`,
    });
    expect(stored.body.equals(bytes)).toBe(true);
  });

  describe('refuses', () => {
    it('a request without a token: 401 with a Bearer challenge', async () => {
      const res = await request(api.getHttpServer()).post('/uploads').set('Content-Type', 'text/plain').send('x');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('a malformed token: 401 invalid_token', async () => {
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', 'Bearer not.a.jwt')
        .set('Content-Type', 'text/plain')
        .send('x');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer.*error="invalid_token"/);
    });

    it('a token with the right claims signed by another key: 401', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = jwt.sign(
        {
          sub: randomUUID(),
          username: 'mallory@example.com',
          token_use: 'access',
          client_id: env.clientIds[0],
          scope: 'aws.cognito.signin.user.admin',
        },
        privateKey,
        { algorithm: 'RS256', keyid: 'CognitoLocal', issuer: env.issuer, expiresIn: '1h' },
      );
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', `Bearer ${forged}`)
        .set('Content-Type', 'text/plain')
        .send('x');
      expect(res.status).toBe(401);
    });

    it('an empty body: 400 with a message', async () => {
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', demo)
        .set('Content-Type', 'text/plain')
        .send('');
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(expect.any(String));
    });

    it('a body over the size limit: 413', async () => {
      const limit = Number(process.env.UPLOAD_MAX_BYTES ?? 716_800);
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', demo)
        .set('Content-Type', 'application/octet-stream')
        .send(Buffer.alloc(limit + 1));
      expect(res.status).toBe(413);
    });

    it("another user's upload: 404, like an unknown id", async () => {
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', demo)
        .set('Content-Type', 'text/plain')
        .send('private')
        .expect(202);
      await request(api.getHttpServer()).get(`/uploads/${res.body.id}`).set('Authorization', demo).expect(200);
      await request(api.getHttpServer()).get(`/uploads/${res.body.id}`).set('Authorization', other).expect(404);
      await request(api.getHttpServer()).get(`/uploads/${res.body.id}/content`).set('Authorization', other).expect(404);
      await request(api.getHttpServer()).get(`/uploads/${randomUUID()}`).set('Authorization', demo).expect(404);
    });
  });

  it('answers 503 with Retry-After, never 202, when the stream is unavailable', async () => {
    const broken = await createApi({ KINESIS_STREAM_NAME: `missing-${randomUUID().slice(0, 8)}` });
    try {
      const res = await request(broken.getHttpServer())
        .post('/uploads')
        .set('Authorization', demo)
        .set('Content-Type', 'text/plain')
        .send('nowhere to go');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await broken.close();
      process.env.KINESIS_STREAM_NAME = streamName;
    }
  });

  it('serves liveness without a token', async () => {
    await request(api.getHttpServer()).get('/health').expect(200);
  });
});

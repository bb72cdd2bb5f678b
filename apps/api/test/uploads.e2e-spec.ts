import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import * as jwt from 'jsonwebtoken';
import request from 'supertest';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { FILE_UPLOADED, FILE_UPLOADED_VERSION, HEADER_PAYLOAD_VERSION, type FileUploadedV1 } from '@lib/contracts';
import { ClientKinesis, KinesisRecordBuilder } from '@lib/kinesis';
import { WorkerModule } from '../../worker/src/worker.module';
import { createWorkerApp } from '../../worker/src/create-worker-app';
import { StagedFileMover } from '../../worker/src/files/staged-file.mover';
import { streamUpload } from './support/streamed-upload.client';

const MiB = 1024 * 1024;
/** This suite's limits: big enough for the presigned 20 MiB file, small enough to overrun quickly. */
const UPLOAD_MAX_BYTES = 24 * MiB;
const UPLOAD_INLINE_MAX_BYTES = 256 * 1024;

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
  let apiUrl: string;

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
    api = await createApi({
      KINESIS_STREAM_NAME: streamName,
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      UPLOAD_INLINE_MAX_BYTES: String(UPLOAD_INLINE_MAX_BYTES),
    });
    // Listening for real: the over-limit tests need a client that sees an early answer.
    await api.listen(0, '127.0.0.1');
    apiUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');
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

    it('a body whose Content-Length is over the limit: 413 before the body is read', async () => {
      const res = await streamUpload(`${apiUrl}/uploads`, {
        headers: { Authorization: demo, 'Content-Type': 'application/octet-stream' },
        totalBytes: UPLOAD_MAX_BYTES + 1,
        declareLength: true,
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect(res.sentBytes).toBeLessThan(UPLOAD_MAX_BYTES);
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

  describe('large files (claim check)', () => {
    async function incomingKeys(): Promise<Set<string>> {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: 'incoming/' }));
      return new Set((listed.Contents ?? []).map((object) => object.Key!));
    }

    async function exists(key: string): Promise<boolean> {
      return s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: key })).then(
        () => true,
        (error: Error) => (error.name === 'NotFound' ? false : Promise.reject(error)),
      );
    }

    async function storedStatus(id: string) {
      return waitFor(
        async () => {
          const r = await request(api.getHttpServer()).get(`/uploads/${id}`).set('Authorization', demo);
          return r.status === 200 && r.body.status === 'stored' ? r.body : undefined;
        },
        { timeoutMs: 20_000, description: `upload ${id} stored` },
      );
    }

    it.each([
      ['just under the inline threshold (inline)', UPLOAD_INLINE_MAX_BYTES],
      ['just over the inline threshold (staged in S3)', UPLOAD_INLINE_MAX_BYTES + 1],
    ])('stores a file %s with identical bytes', async (_name, size) => {
      const bytes = randomBytes(size);
      const res = await request(api.getHttpServer())
        .post('/uploads')
        .set('Authorization', demo)
        .set('Content-Type', 'application/octet-stream')
        .send(bytes)
        .expect(202);
      // The status first, as a client would: it says stored once the staged file has been
      // moved (CopyObject) to its key.
      expect(await storedStatus(res.body.id)).toMatchObject({ size });
      const stored = await storedBytes(res.body.file_key);
      expect(stored.body.equals(bytes)).toBe(true);
      expect(stored.metadata?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      // A staged file's bytes leave incoming/ once moved (an inline one never went there).
      await waitFor(async () => !(await exists(`incoming/${res.body.id}`)), {
        timeoutMs: 10_000,
        description: `incoming/${res.body.id} removed`,
      });
    });

    it('cuts a chunked upload off at the limit with 413, leaving nothing in incoming/', async () => {
      const before = await incomingKeys();
      // Far more than the limit: the socket buffers on both sides hold a few MiB the server never reads.
      const offered = UPLOAD_MAX_BYTES + 40 * MiB;
      const res = await streamUpload(`${apiUrl}/uploads`, {
        headers: { Authorization: demo, 'Content-Type': 'application/octet-stream' },
        totalBytes: offered,
        declareLength: false,
      });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 413, message: expect.stringMatching(/limit/) });
      expect(res.sentBytes).toBeLessThan(offered);
      const added = [...(await incomingKeys())].filter((key) => !before.has(key));
      expect(added).toEqual([]);
    });

    it('stores a 20 MiB file uploaded through a presigned URL, byte for byte', async () => {
      const bytes = randomBytes(20 * MiB);
      const created = await request(api.getHttpServer())
        .post('/uploads/presigned')
        .set('Authorization', demo)
        .send({ content_type: 'video/mp4', size: bytes.length, filename: 'clip.mp4' })
        .expect(201);
      const { id, file_key, upload_url, method, headers } = created.body;
      expect(upload_url.startsWith(env.endpoints.s3!)).toBe(true);

      await request(api.getHttpServer()).post(`/uploads/${id}/complete`).set('Authorization', demo).expect(409);
      const { 'Content-Length': _length, ...headersToSend } = headers as Record<string, string>;
      const put = await fetch(upload_url, { method, headers: headersToSend, body: bytes });
      expect(put.status).toBe(200);
      await request(api.getHttpServer()).post(`/uploads/${id}/complete`).set('Authorization', other).expect(404);
      const completed = await request(api.getHttpServer()).post(`/uploads/${id}/complete`).set('Authorization', demo).expect(202);
      expect(completed.body).toEqual({ message: 'File uploaded and event sent', file_key, id });

      await storedStatus(id);
      const stored = await storedBytes(file_key);
      expect(stored.contentType).toBe('video/mp4');
      expect(createHash('sha256').update(stored.body).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(stored.body.equals(bytes)).toBe(true);
    });

    it('stores a redelivered staged event again without error', async () => {
      const move = jest.spyOn(StagedFileMover.prototype, 'move');
      const publisher = new ClientKinesis({ streamName, kinesis: localKinesisClient(env) });
      try {
        const bytes = randomBytes(UPLOAD_INLINE_MAX_BYTES + 10);
        const res = await request(api.getHttpServer())
          .post('/uploads')
          .set('Authorization', demo)
          .set('Content-Type', 'application/octet-stream')
          .send(bytes)
          .expect(202);
        await storedStatus(res.body.id);
        const firstCall = move.mock.calls.findIndex(([event]) => event.id === res.body.id);
        const event: FileUploadedV1 = move.mock.calls[firstCall][0];
        expect(event.body).toEqual({ kind: 'staged', key: `incoming/${res.body.id}`, etag: expect.any(String) });

        // The same event again, as Kinesis would redeliver it: the staged object is gone by now.
        const record = new KinesisRecordBuilder(event)
          .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION })
          .setPartitionKey(event.id)
          .build();
        await lastValueFrom(publisher.emit(FILE_UPLOADED, record));
        const redelivery = await waitFor(
          () => move.mock.results.find((_result, i) => i > firstCall && move.mock.calls[i][0].id === event.id),
          { timeoutMs: 15_000, description: 'the redelivered event handled' },
        );
        await expect(redelivery.value).resolves.toBeUndefined();
        expect((await storedBytes(event.file_key)).body.equals(bytes)).toBe(true);
      } finally {
        move.mockRestore();
        await publisher.close();
        publisher.unwrap().destroy();
      }
    });
  });

  it('serves liveness without a token', async () => {
    await request(api.getHttpServer()).get('/health').expect(200);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { e2eEnvironment } from '../../../test-kit';
import { createStream, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { readWholeStream } from '../../../test-kit/faulty-kinesis';
import { httpApiEvent, kinesisEvent, restApiEvent } from '../../../test-kit/lambda/events';
import { bundlePath, invokeBundle } from '../../../test-kit/lambda/invoke-bundle';
import { LambdaEnvironment } from '../../../test-kit/lambda/lambda-environment';

interface ProxyResult {
  statusCode: number;
  body: string;
  isBase64Encoded: boolean;
  headers?: Record<string, string>;
}

/**
 * Issue 6: the bundled functions (dist/lambda/api, dist/lambda/worker), each invoked in a
 * fresh process as Lambda's runtime would: uploads through API Gateway events (HTTP API and
 * REST API, binary bodies) end as objects in the local S3 through a Kinesis event made of the
 * records the api really put into the local stream.
 */
describe('the bundled Lambda functions: api → stream → worker → S3', () => {
  const env = e2eEnvironment();
  const streamName = `lambda-${randomUUID().slice(0, 8)}`;
  const functionEnv = { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, NODE_ENV: 'production' };
  const bearer = `Bearer ${env.users.demo.accessToken}`;
  let kinesis: KinesisClient;
  let s3: S3Client;

  beforeAll(async () => {
    kinesis = localKinesisClient(env);
    s3 = localS3Client(env);
    await createStream(env, streamName, 1);
  });

  afterAll(() => {
    kinesis?.destroy();
    s3?.destroy();
  });

  const invokeApi = (event: unknown) => invokeBundle<ProxyResult>(bundlePath('api'), event, functionEnv);
  const objectBytes = async (key: string) =>
    Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: key }))).Body!.transformToByteArray());

  it('stores binary uploads sent through an HTTP API and a REST API, and serves them back as binary', async () => {
    const viaHttpApi = randomBytes(3000);
    const viaRestApi = randomBytes(1500);
    const http = await invokeApi(
      httpApiEvent({ method: 'POST', path: '/uploads', headers: { authorization: bearer, 'content-type': 'application/octet-stream' }, query: { filename: 'a.bin' }, body: viaHttpApi }),
    );
    const rest = await invokeApi(
      restApiEvent({ method: 'POST', path: '/uploads', headers: { Authorization: bearer, 'Content-Type': 'image/png' }, body: viaRestApi }),
    );
    expect(http.result.statusCode).toBe(202);
    expect(rest.result.statusCode).toBe(202);
    const uploads = [JSON.parse(http.result.body), JSON.parse(rest.result.body)] as Array<{ id: string; file_key: string }>;
    expect(uploads[1].file_key).toMatch(/\.png$/);

    // The api's 202 means the records are in the stream: hand them to the worker function.
    const records = await readWholeStream(kinesis, streamName);
    expect(records).toHaveLength(2);
    const worker = await invokeBundle<KinesisStreamBatchResponse>(
      bundlePath('worker'),
      kinesisEvent(streamName, 'shardId-000000000000', records),
      functionEnv,
    );
    expect(worker.result).toEqual({ batchItemFailures: [] });
    // Both shipped functions ran with the code cache recorded at bundle time (same Node, same
    // options as Lambda's runtime) and said so once.
    for (const run of [http, rest, worker]) expect(run.codeCache).toMatchObject({ used: true, lines: 1 });
    expect((await objectBytes(uploads[0].file_key)).equals(viaHttpApi)).toBe(true);
    expect((await objectBytes(uploads[1].file_key)).equals(viaRestApi)).toBe(true);

    // And back through the api: the stored bytes, base64-encoded for API Gateway.
    const content = await invokeApi(httpApiEvent({ method: 'GET', path: `/uploads/${uploads[0].id}/content`, headers: { authorization: bearer } }));
    expect(content.result).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(Buffer.from(content.result.body, 'base64').equals(viaHttpApi)).toBe(true);
    console.info(`cold starts: api import ${Math.round(http.importMs)} ms + first invocation ${Math.round(http.invokeMs)} ms; worker ${Math.round(worker.importMs)} + ${Math.round(worker.invokeMs)} ms`);
  });

  it('takes a presigned upload and a staged one: the S3 client and presigner the bundle loads on first use', async () => {
    const bytes = randomBytes(4096);
    const created = await invokeApi(
      httpApiEvent({
        method: 'POST',
        path: '/uploads/presigned',
        headers: { authorization: bearer, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ content_type: 'application/pdf', size: bytes.length, filename: 'doc.pdf' })),
      }),
    );
    expect(created.result.statusCode).toBe(201);
    const { id, file_key, upload_url, method, headers } = JSON.parse(created.result.body) as {
      id: string;
      file_key: string;
      upload_url: string;
      method: string;
      headers: Record<string, string>;
    };
    const { 'Content-Length': _length, ...headersToSend } = headers;
    expect((await fetch(upload_url, { method, headers: headersToSend, body: bytes })).status).toBe(200);
    const completed = await invokeApi(httpApiEvent({ method: 'POST', path: `/uploads/${id}/complete`, headers: { authorization: bearer } }));
    expect(completed.result.statusCode).toBe(202);
    expect(JSON.parse(completed.result.body)).toMatchObject({ id, file_key });

    // Over the inline limit (4 KiB by default): staged in S3 by the api itself.
    const staged = await invokeApi(
      httpApiEvent({ method: 'POST', path: '/uploads', headers: { authorization: bearer, 'content-type': 'application/octet-stream' }, body: randomBytes(300 * 1024) }),
    );
    expect(staged.result.statusCode).toBe(202);
  });

  it('gives an upload’s admission back when its answer is out: a warm environment takes upload after upload', async () => {
    // One upload per user at a time and a single staging slot: a hold never given back would refuse the second.
    const environment = await LambdaEnvironment.start<ProxyResult>(
      bundlePath('api'),
      { ...functionEnv, UPLOAD_MAX_CONCURRENT_PER_USER: '1', UPLOAD_MAX_CONCURRENT_STAGED: '1' },
      join(mkdtempSync(join(tmpdir(), 'lambda-env-')), 'api.log'),
    );
    try {
      for (let upload = 0; upload < 3; upload++) {
        const { result } = await environment.invoke(
          httpApiEvent({ method: 'POST', path: '/uploads', headers: { authorization: bearer, 'content-type': 'application/octet-stream' }, body: randomBytes(64 * 1024) }),
        );
        expect(result.statusCode).toBe(202);
      }
    } finally {
      await environment.stop();
    }
  });

  it('serves the OpenAPI document built with the bundle, and nothing else from the bundle folder', async () => {
    const page = await invokeApi(httpApiEvent({ method: 'GET', path: '/docs' }));
    expect(page.result.statusCode).toBe(200);
    expect(Buffer.from(page.result.body, page.result.isBase64Encoded ? 'base64' : 'utf8').toString()).toContain('swagger-ui-bundle.js');
    const document = await invokeApi(httpApiEvent({ method: 'GET', path: '/docs/openapi.json' }));
    expect(document.result.statusCode).toBe(200);
    expect(JSON.parse(document.result.body)).toMatchObject({ openapi: expect.any(String), paths: { '/uploads': expect.any(Object) } });
    // The source map sits next to the bundle: it must not be served.
    const sourceMap = await invokeApi(httpApiEvent({ method: 'GET', path: '/docs/index.js.map' }));
    expect(sourceMap.result.statusCode).toBe(404);
  });

  it('answers 401 to a request without a token', async () => {
    const res = await invokeApi(httpApiEvent({ method: 'POST', path: '/uploads', headers: { 'content-type': 'text/plain' }, body: Buffer.from('x') }));
    expect(res.result.statusCode).toBe(401);
    expect(res.result.headers?.['www-authenticate']).toBe('Bearer');
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { completionKeyOf, pendingKeyOf } from '@lib/upload-status';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { FileUploadedV1Schema } from '@lib/contracts';
import { decodePacket } from '@lib/kinesis';
import { FakeCognito } from '../../testing/fake-cognito';
import { createApi, testEnvironment } from '../../testing/mocked-api';

const LIMIT = 30 * 1024 * 1024;
const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

/** What GetObject returns: a fresh stream each time (the SDK's Body mixin is not needed here). */
function objectBody(bytes: Buffer) {
  const body = Readable.from([bytes]) as Readable & { transformToString: (encoding?: string) => Promise<string> };
  body.transformToString = async () => bytes.toString('utf8');
  return body as never;
}

describe('PresignedUploadsController (api with mocked AWS clients)', () => {
  const cognito = new FakeCognito();
  let app: INestApplication;
  let token: string;
  let savedCredentials: { id?: string; secret?: string };
  const api = () => request(app.getHttpServer());
  /** Objects "in S3", by key. */
  let objects: Map<string, { body: Buffer; metadata?: Record<string, string> }>;

  beforeAll(async () => {
    await cognito.start();
    // Presigning signs locally with whatever credentials the default chain finds, when asked.
    savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    app = await createApi(testEnvironment(cognito.jwksUri, { UPLOAD_MAX_BYTES: String(LIMIT) }));
    token = cognito.accessToken();
  });

  afterAll(async () => {
    await app?.close();
    await cognito.stop();
    for (const [name, value] of [['AWS_ACCESS_KEY_ID', savedCredentials.id], ['AWS_SECRET_ACCESS_KEY', savedCredentials.secret]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  beforeEach(() => {
    objects = new Map();
    kinesis.reset();
    dynamodb.reset();
    s3.reset();
    kinesis.on(PutRecordsCommand).callsFake(async (input) => ({
      Records: input.Records.map(() => ({ ShardId: 'shardId-000000000000', SequenceNumber: '1' })),
    }));
    dynamodb.on(BatchWriteCommand).resolves({});
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(PutCommand).resolves({});
    dynamodb.on(DeleteCommand).resolves({});
    s3.on(PutObjectCommand).callsFake(async (input) => {
      objects.set(input.Key, { body: Buffer.from(input.Body as string) });
      return {};
    });
    s3.on(GetObjectCommand).callsFake(async (input) => {
      const object = objects.get(input.Key);
      if (!object) throw new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } });
      return { Body: objectBody(object.body), ContentLength: object.body.length, ETag: `"etag-${object.body.length}"` };
    });
    s3.on(HeadObjectCommand).callsFake(async (input) => {
      const object = objects.get(input.Key);
      if (!object) throw new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
      return { ContentLength: object.body.length, Metadata: object.metadata };
    });
  });

  const presign = (body: object, bearer = token) => api().post('/uploads/presigned').auth(bearer, { type: 'bearer' }).send(body);
  const complete = (id: string, bearer = token) => api().post(`/uploads/${id}/complete`).auth(bearer, { type: 'bearer' });
  /** What a client's PUT to the presigned URL would leave in S3. */
  const putStaged = (id: string, bytes: Buffer, ownerSub = 'user-sub-1') =>
    objects.set(`incoming/${id}`, { body: bytes, metadata: { 'owner-sub': ownerSub, 'upload-id': id } });

  it('answers 201 with a presigned PUT to incoming/<id> and the headers to send', async () => {
    const res = await presign({ content_type: 'video/mp4', size: 20 * 1024 * 1024, filename: 'Holiday.MP4' }).expect(201);
    const { id } = res.body;
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      file_key: `uploads/${id}.mp4`,
      upload_url: expect.stringContaining(`incoming/${id}?`),
      method: 'PUT',
      headers: {
        'Content-Type': 'video/mp4',
        'Content-Length': String(20 * 1024 * 1024),
        'x-amz-meta-owner-sub': 'user-sub-1',
        'x-amz-meta-upload-id': id,
      },
      expires_at: expect.any(String),
    });
    const signed = new URL(res.body.upload_url).searchParams.get('X-Amz-SignedHeaders')!.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-length', 'content-type', 'x-amz-meta-owner-sub']));
    const ttl = new Date(res.body.expires_at).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(14 * 60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    expect(objects.has(`incoming/${id}.grant.json`)).toBe(true);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('answers 413 at once to a size over UPLOAD_MAX_BYTES, presigning nothing', async () => {
    const res = await presign({ content_type: 'video/mp4', size: LIMIT + 1 }).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it.each([
    ['no size', { content_type: 'text/plain' }],
    ['a fractional size', { content_type: 'text/plain', size: 1.5 }],
    ['a zero size', { content_type: 'text/plain', size: 0 }],
    ['no content type', { size: 10 }],
    ['a content type that is not a media type', { content_type: 'not a type', size: 10 }],
  ])('answers 400 to %s', async (_name, body) => {
    await presign(body).expect(400);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('publishes the staged event once the bytes are there, with their sha256, and answers 202', async () => {
    const bytes = Buffer.from('bytes that went straight to S3');
    const { id, file_key } = (await presign({ content_type: 'text/plain', size: bytes.length, filename: 'a.txt' }).expect(201)).body;
    putStaged(id, bytes);
    const res = await complete(id).set('X-Request-Id', 'req-7').expect(202);
    expect(res.body).toEqual({ message: 'File uploaded and event sent', file_key, id });
    const packet = decodePacket(kinesis.commandCalls(PutRecordsCommand)[0].args[0].input.Records![0].Data!);
    expect(packet.headers['correlation-id']).toBe('req-7');
    expect(FileUploadedV1Schema.parse(packet.data)).toEqual({
      id,
      file_key,
      owner: { sub: 'user-sub-1', username: 'demo@example.com' },
      content_type: 'text/plain',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      original_name: 'a.txt',
      accepted_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      // The version that was hashed: the worker copies that one only.
      body: { kind: 'staged', key: `incoming/${id}`, etag: `"etag-${bytes.length}"` },
    });
    const pending = dynamodb.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!['file-uploads'][0].PutRequest!.Item;
    expect(pending).toMatchObject({ id: pendingKeyOf(id), status: 'pending' });
    // The worker's items take the event's time: the owner's listing finds both under one key.
    const { accepted_at } = FileUploadedV1Schema.parse(packet.data);
    expect(pending!.accepted_at).toBe(accepted_at);
    expect(pending!.list_key).toBe(`${accepted_at}#${id}`);
    // Claimed, then measured: a later complete publishes from this record.
    const [claim, record] = dynamodb.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(claim).toMatchObject({ Item: { id: completionKeyOf(id) }, ConditionExpression: expect.stringContaining('attribute_not_exists(id)') });
    expect(record.Item).toMatchObject({ id: completionKeyOf(id), measured: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length } });
  });

  it('publishes a completed upload again from its recorded measurement, without reading the staged bytes', async () => {
    const { id } = (await presign({ content_type: 'text/plain', size: 5 }).expect(201)).body;
    const measured = { sha256: 'c'.repeat(64), size: 5, etag: '"e"' };
    dynamodb.on(PutCommand, { Item: { id: completionKeyOf(id) } }).rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
    dynamodb.on(GetCommand, { Key: { id: completionKeyOf(id) } }).resolves({ Item: { id: completionKeyOf(id), claimed_by: 'other', claim_expires_at: 0, measured } });
    await complete(id).expect(202);
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).not.toContain(`incoming/${id}`);
    expect(decodePacket(kinesis.commandCalls(PutRecordsCommand)[0].args[0].input.Records![0].Data!).data).toMatchObject({ sha256: measured.sha256 });
  });

  it('answers 410 for a deleted upload, and for a grant that expired before the upload was completed', async () => {
    const deleted = (await presign({ content_type: 'text/plain', size: 3 }).expect(201)).body.id;
    putStaged(deleted, Buffer.from('abc'));
    dynamodb.on(GetCommand, { Key: { id: deleted } }).resolves({ Item: { id: deleted, owner_sub: 'user-sub-1', status: 'deleted', status_rank: 3 } });
    expect((await complete(deleted).expect(410)).body.message).toBe('The upload was deleted');

    const expired = (await presign({ content_type: 'text/plain', size: 3 }).expect(201)).body.id;
    putStaged(expired, Buffer.from('abc'));
    const grant = JSON.parse(objects.get(`incoming/${expired}.grant.json`)!.body.toString('utf8'));
    objects.set(`incoming/${expired}.grant.json`, { body: Buffer.from(JSON.stringify({ ...grant, expires_at: new Date(Date.now() - 1000).toISOString() })) });
    expect((await complete(expired).expect(410)).body.message).toMatch(/expired/);
    // The claim is given back: nothing holds the upload for the next attempt.
    expect(dynamodb.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key)).toEqual([{ id: completionKeyOf(expired) }]);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('answers 409 while nothing was uploaded, and when the upload is not what was presigned', async () => {
    const { id } = (await presign({ content_type: 'text/plain', size: 10 }).expect(201)).body;
    expect((await complete(id).expect(409)).body.message).toMatch(/Nothing was uploaded/);
    putStaged(id, Buffer.alloc(11));
    expect((await complete(id).expect(409)).body.message).toMatch(/11 bytes; 10 were declared/);
    putStaged(id, Buffer.alloc(10), 'someone-else');
    await complete(id).expect(409);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it("answers 404 to another user's presigned upload, an unknown id and a malformed id", async () => {
    const { id } = (await presign({ content_type: 'text/plain', size: 3 }).expect(201)).body;
    putStaged(id, Buffer.from('abc'));
    await complete(id, cognito.accessToken({ sub: 'someone-else' })).expect(404);
    await complete(randomUUID()).expect(404);
    await complete('not-a-uuid').expect(404);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('answers 503 with Retry-After when S3 is unavailable', async () => {
    s3.on(PutObjectCommand).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }));
    const res = await presign({ content_type: 'text/plain', size: 3 }).expect(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it('documents both endpoints with their real codes in the OpenAPI document', async () => {
    const { body: document } = await api().get('/docs-json').expect(200);
    expect(Object.keys(document.paths['/uploads/presigned'].post.responses).sort()).toEqual(['201', '400', '401', '413', '429', '503']);
    expect(Object.keys(document.paths['/uploads/{id}/complete'].post.responses).sort()).toEqual(['202', '401', '404', '409', '410', '429', '503']);
    expect(document.components.schemas.PresignedUploadDto.required).toEqual(
      expect.arrayContaining(['id', 'file_key', 'upload_url', 'method', 'headers', 'expires_at']),
    );
  });

  it('answers 401 without a token', async () => {
    await api().post('/uploads/presigned').send({ content_type: 'text/plain', size: 3 }).expect(401);
    await api().post(`/uploads/${randomUUID()}/complete`).expect(401);
  });
});

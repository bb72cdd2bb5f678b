import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { pendingKeyOf } from '@lib/upload-status';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { FILE_UPLOADED, FileUploadedV1Schema } from '@lib/contracts';
import { decodePacket } from '@lib/kinesis';
import type { UploadRecord } from '@lib/upload-status';
import { FakeCognito } from '../testing/fake-cognito';
import { createApi, testEnvironment } from '../testing/mocked-api';

const LIMIT = 2048;
const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

describe('UploadsController (api with mocked AWS clients)', () => {
  const cognito = new FakeCognito();
  let app: INestApplication;
  let token: string;
  let calls: string[];
  const api = () => request(app.getHttpServer());

  beforeAll(async () => {
    await cognito.start();
    app = await createApi(testEnvironment(cognito.jwksUri, { UPLOAD_MAX_BYTES: String(LIMIT) }));
    token = cognito.accessToken();
  });

  afterAll(async () => {
    await app?.close();
    await cognito.stop();
  });

  beforeEach(() => {
    calls = [];
    kinesis.reset();
    dynamodb.reset();
    s3.reset();
    kinesis.on(PutRecordsCommand).callsFake(async (input) => {
      calls.push('put-record');
      return { Records: input.Records.map((_: unknown, i: number) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i + 1) })) };
    });
    dynamodb.on(BatchWriteCommand).callsFake(async () => {
      calls.push('record-pending');
      return {};
    });
    dynamodb.on(DeleteCommand).resolves({});
  });

  const putRecordInput = () => kinesis.commandCalls(PutRecordsCommand)[0].args[0].input.Records![0];

  it('publishes a raw upload and answers 202 once Kinesis took it', async () => {
    const res = await api()
      .post('/uploads')
      .auth(token, { type: 'bearer' })
      .set('Content-Type', 'text/plain')
      .set('X-Filename', 'notes.MD')
      .set('X-Request-Id', 'req-42')
      .send('hello')
      .expect(202);

    const { id, file_key } = res.body;
    expect(res.body).toEqual({ message: 'File uploaded and event sent', file_key: `uploads/${id}.md`, id });
    const input = putRecordInput();
    const packet = decodePacket(input.Data!);
    expect(input.PartitionKey).toBe(id);
    expect(packet.pattern).toBe(FILE_UPLOADED);
    expect(packet.headers).toEqual({ 'payload-version': '1', 'correlation-id': 'req-42' });
    const event = FileUploadedV1Schema.parse(packet.data);
    expect(event).toMatchObject({
      id,
      file_key,
      owner: { sub: 'user-sub-1', username: 'demo@example.com' },
      content_type: 'text/plain',
      size: 5,
      sha256: createHash('sha256').update('hello').digest('hex'),
      original_name: 'notes.MD',
      body: { kind: 'inline', data_base64: Buffer.from('hello').toString('base64') },
    });
    // The pending status and the event go out together; the pending item is the api's own.
    expect([...calls].sort()).toEqual(['put-record', 'record-pending']);
    const pending = dynamodb.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!['file-uploads'][0].PutRequest!.Item;
    expect(pending).toMatchObject({ id: pendingKeyOf(id), status: 'pending', owner_sub: 'user-sub-1' });
  });

  it('keeps a JSON body as bytes, names by ?filename= and makes a correlation id', async () => {
    const res = await api()
      .post('/uploads?filename=data.json')
      .auth(token, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('{"a": 1}')
      .expect(202);
    const packet = decodePacket(putRecordInput().Data!);
    expect(res.body.file_key).toMatch(/\.json$/);
    expect(Buffer.from((packet.data as any).body.data_base64, 'base64').toString()).toBe('{"a": 1}');
    expect(packet.headers['correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each<[string, (bytes: Buffer) => Buffer]>([
    ['gzip', (b) => gzipSync(b)],
    ['deflate', (b) => deflateSync(b)],
    ['br', (b) => brotliCompressSync(b)],
  ])('stores the decoded bytes of a %s-encoded raw body', async (encoding, encode) => {
    const text = Buffer.from('compressed on the way, stored as sent by the user '.repeat(20));
    await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Type', 'text/plain').set('Content-Encoding', encoding).send(encode(text)).expect(202);
    const event = decodePacket(putRecordInput().Data!).data as any;
    expect(Buffer.from(event.body.data_base64, 'base64').equals(text)).toBe(true);
    expect(event.size).toBe(text.length);
  });

  it('answers 413 to a small gzip body that decodes past UPLOAD_MAX_BYTES', async () => {
    await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Encoding', 'gzip').send(gzipSync(Buffer.alloc(LIMIT * 50))).expect(413);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it.each([
    ['an encoding it cannot decode', 'compress', 415],
    ['a gzip header over bytes that are not gzip', 'gzip', 400],
  ])('answers %s with %p', async (_name, encoding, status) => {
    await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Type', 'text/plain').set('Content-Encoding', encoding).send('plain text').expect(status);
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('takes the extension from the content type when no name is given', async () => {
    const res = await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Type', 'image/png').send(Buffer.from([1, 2, 3])).expect(202);
    expect(res.body.file_key).toBe(`uploads/${res.body.id}.png`);
  });

  it('accepts multipart/form-data with a file field', async () => {
    const res = await api()
      .post('/uploads')
      .auth(token, { type: 'bearer' })
      .attach('file', Buffer.from('a,b\n1,2\n'), { filename: 'table.csv', contentType: 'text/csv' })
      .expect(202);
    const event = decodePacket(putRecordInput().Data!).data as any;
    expect(res.body.file_key).toMatch(/\.csv$/);
    expect(event).toMatchObject({ content_type: 'text/csv', size: 8, original_name: 'table.csv' });
  });

  it.each<[string, (r: request.Test) => request.Test, RegExp]>([
    ['an empty raw body', (r) => r.set('Content-Type', 'text/plain').send(''), /empty/],
    ['no body at all', (r) => r, /empty/],
    ['a form without a file field', (r) => r.field('other', 'x'), /"file" field/],
    ['an empty multipart file', (r) => r.attach('file', Buffer.alloc(0), 'e.txt'), /empty/],
  ])('answers 400 to %s', async (_name, build, message) => {
    const res = await build(api().post('/uploads').auth(token, { type: 'bearer' })).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it.each<[string, (r: request.Test) => request.Test]>([
    ['raw', (r) => r.set('Content-Type', 'application/octet-stream').send(Buffer.alloc(LIMIT + 1))],
    ['multipart', (r) => r.attach('file', Buffer.alloc(LIMIT + 1), 'big.bin')],
  ])('answers 413 to a %s body over UPLOAD_MAX_BYTES', async (_name, build) => {
    const res = await build(api().post('/uploads').auth(token, { type: 'bearer' })).expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  it('accepts a body of exactly UPLOAD_MAX_BYTES', async () => {
    await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(LIMIT, 1)).expect(202);
  });

  it('answers 503 with Retry-After, and withdraws the pending status, when Kinesis refuses', async () => {
    // Answered and refused (nothing written), and not worth retrying: the 503 comes at once.
    kinesis.on(PutRecordsCommand).rejects(Object.assign(new Error('Stream not found'), { name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    const res = await api()
      .post('/uploads')
      .auth(token, { type: 'bearer' })
      .set('Content-Type', 'text/plain')
      .set('X-Request-Id', 'req-503')
      .send('x')
      .expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    const id = dynamodb.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!['file-uploads'][0].PutRequest!.Item!.id;
    // Only the pending item this request wrote: not another request's, never the upload's own item.
    expect(dynamodb.commandCalls(DeleteCommand)[0].args[0].input).toMatchObject({
      Key: { id },
      ConditionExpression: 'written_by = :writer',
      ExpressionAttributeValues: { ':writer': 'req-503' },
    });
  });

  it('answers 503 with the upload\'s id, and keeps its pending status marked unconfirmed, when Kinesis may have taken the event', async () => {
    // No answer to tell what happened (and nothing the publisher retries, so the 503 comes at once).
    kinesis.on(PutRecordsCommand).rejects(new Error('socket hang up'));
    const res = await api()
      .post('/uploads')
      .auth(token, { type: 'bearer' })
      .set('Content-Type', 'text/plain')
      .set('X-Request-Id', 'req-unknown')
      .send('x')
      .expect(503);
    const id = dynamodb.commandCalls(BatchWriteCommand)[0].args[0].input.RequestItems!['file-uploads'][0].PutRequest!.Item!.id as string;
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ statusCode: 503, outcome: 'unknown', id: id.replace('pending#', ''), file_key: expect.stringMatching(/^uploads\//) });
    expect(res.headers.location).toBe(`/uploads/${res.body.id}`);
    expect(dynamodb.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(PutCommand)[0].args[0].input).toMatchObject({
      Item: { id, written_by: 'req-unknown', unconfirmed_since: expect.any(String) },
      ConditionExpression: 'attribute_not_exists(id) OR written_by = :writer',
    });
  });

  it('still answers 202 when the pending status cannot be written', async () => {
    dynamodb.on(BatchWriteCommand).rejects(new Error('table down'));
    await api().post('/uploads').auth(token, { type: 'bearer' }).set('Content-Type', 'text/plain').send('x').expect(202);
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const res = await api().post('/uploads').set('Content-Type', 'text/plain').send('x').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });

  describe('reading back', () => {
    const id = randomUUID();
    const record = (change: Partial<UploadRecord> = {}): UploadRecord => ({
      id,
      file_key: `uploads/${id}.txt`,
      owner_sub: 'user-sub-1',
      owner_username: 'demo@example.com',
      content_type: 'text/plain',
      size: 5,
      sha256: 'a'.repeat(64),
      status: 'stored',
      status_rank: 2,
      accepted_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:01.000Z',
      ...change,
    });

    it('shows the owner its upload, without internal fields', async () => {
      dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record({ status: 'failed', status_rank: 1, failure_reason: 'bad' }) });
      const res = await api().get(`/uploads/${id}`).auth(token, { type: 'bearer' }).expect(200);
      expect(res.body).toEqual({
        id, file_key: `uploads/${id}.txt`, status: 'failed', size: 5, content_type: 'text/plain', sha256: 'a'.repeat(64),
        accepted_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:01.000Z', failure_reason: 'bad',
      });
    });

    it.each([
      ['another user', () => cognito.accessToken({ sub: 'someone-else' }), id],
      ['an unknown id', () => cognito.accessToken(), randomUUID()],
      ['a malformed id', () => cognito.accessToken(), 'not-a-uuid'],
    ])('answers 404 to %s', async (_name, tokenFor, uploadId) => {
      dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record() });
      dynamodb.on(GetCommand).resolves({});
      const res = await api().get(`/uploads/${uploadId}`).auth(tokenFor(), { type: 'bearer' }).expect(404);
      expect(res.body).toEqual({ statusCode: 404, message: 'Upload not found', error: 'Not Found' });
      await api().get(`/uploads/${uploadId}/content`).auth(tokenFor(), { type: 'bearer' }).expect(404);
    });

    it('serves stored bytes with their content type', async () => {
      dynamodb.on(GetCommand).resolves({ Item: record({ content_type: 'text/html' }) });
      s3.on(GetObjectCommand, { Bucket: 'file-store', Key: `uploads/${id}.txt` }).resolves({ Body: Readable.from([Buffer.from('<b>hi</b>')]) as any, ContentLength: 9 });
      const res = await api().get(`/uploads/${id}/content`).auth(token, { type: 'bearer' }).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      }).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${id}.txt"`);
      expect(res.body.toString()).toBe('<b>hi</b>');
    });

    it.each([
      ['pending', record({ status: 'pending', status_rank: 0 }), 409],
      ['failed', record({ status: 'failed', status_rank: 1 }), 404],
    ])('answers the content of a %s upload with %p', async (_name, item, status) => {
      dynamodb.on(GetCommand).resolves({ Item: item });
      await api().get(`/uploads/${id}/content`).auth(token, { type: 'bearer' }).expect(status);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('answers 404 when the stored object is missing', async () => {
      dynamodb.on(GetCommand).resolves({ Item: record() });
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
      await api().get(`/uploads/${id}/content`).auth(token, { type: 'bearer' }).expect(404);
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import request from 'supertest';
import { FILE_DELETION_REQUESTED, FileDeletionRequestedV1Schema } from '@lib/contracts';
import { decodePacket } from '@lib/kinesis';
import type { UploadRecord } from '@lib/upload-status';
import { FakeCognito } from '../testing/fake-cognito';
import { createApi, testEnvironment } from '../testing/mocked-api';

const kinesis = mockClient(KinesisClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const OWNER_SUB = 'user-sub-1';

describe('DeletionsController (DELETE /uploads/:id, api with mocked AWS clients)', () => {
  const cognito = new FakeCognito();
  const apps: INestApplication[] = [];
  let app: INestApplication;
  const id = randomUUID();
  const record = (change: Partial<UploadRecord> = {}): UploadRecord => ({
    id,
    file_key: `uploads/${id}.txt`,
    owner_sub: OWNER_SUB,
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
  const start = async (extra: Record<string, string> = {}) => {
    const started = await createApi(testEnvironment(cognito.jwksUri, { KINESIS_PUBLISH_DEADLINE_MS: '300', ...extra }));
    apps.push(started);
    return started;
  };
  const remove = (target: INestApplication, uploadId: string, token = cognito.accessToken()) =>
    request(target.getHttpServer()).delete(`/uploads/${uploadId}`).auth(token, { type: 'bearer' });
  const published = () => kinesis.commandCalls(PutRecordsCommand).flatMap((call) => call.args[0].input.Records ?? []);

  beforeAll(async () => {
    await cognito.start();
    app = await start();
  });

  afterAll(async () => {
    for (const started of apps) await started.close();
    await cognito.stop();
  });

  beforeEach(() => {
    kinesis.reset();
    dynamodb.reset();
    s3.reset();
    kinesis.on(PutRecordsCommand).callsFake(async (input) => ({
      Records: input.Records.map((_: unknown, i: number) => ({ ShardId: 'shardId-000000000000', SequenceNumber: String(i + 1) })),
    }));
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record() });
  });

  it('publishes a file.deletion-requested v1 event and answers 202 with the event id once Kinesis took it', async () => {
    const res = await remove(app, id).set('X-Request-Id', 'req-42').expect(202);
    const [put] = published();
    const packet = decodePacket(put.Data!);
    expect(res.body).toEqual({ message: 'Deletion requested', id, event_id: packet.id });
    expect(packet).toMatchObject({
      pattern: FILE_DELETION_REQUESTED,
      headers: { 'payload-version': '1', 'correlation-id': 'req-42' },
      data: { id, file_key: `uploads/${id}.txt`, owner: { sub: OWNER_SUB, username: 'demo@example.com' } },
    });
    expect(FileDeletionRequestedV1Schema.safeParse(packet.data).success).toBe(true);
    // The upload's own partition key: same shard as its file.uploaded, after it.
    expect(put.PartitionKey).toBe(id);
  });

  it("keys the event by the owner's sub when UPLOAD_PARTITION_KEY=owner, as the upload was", async () => {
    const byOwner = await start({ UPLOAD_PARTITION_KEY: 'owner' });
    await remove(byOwner, id).expect(202);
    expect(published()[0].PartitionKey).toBe(OWNER_SUB);
  });

  it('accepts a deletion of an upload not stored yet (the worker handles it after the upload)', async () => {
    dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record({ status: 'pending', status_rank: 0 }) });
    await remove(app, id).expect(202);
    expect(published()).toHaveLength(1);
  });

  it.each([
    ['another user', () => cognito.accessToken({ sub: 'someone-else' }), id],
    ['an unknown id', () => cognito.accessToken(), randomUUID()],
    ['a malformed id', () => cognito.accessToken(), 'not-a-uuid'],
  ])('answers 404 to %s, publishing nothing', async (_who, token, uploadId) => {
    const res = await remove(app, uploadId, token()).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, message: 'Upload not found' });
    expect(published()).toHaveLength(0);
  });

  it('answers 409 for an upload deleted already, publishing nothing', async () => {
    dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record({ status: 'deleted', status_rank: 3 }) });
    await remove(app, id).expect(409);
    expect(published()).toHaveLength(0);
  });

  it('shows a deleted upload as deleted, and its content as gone without asking S3', async () => {
    dynamodb.on(GetCommand, { Key: { id } }).resolves({ Item: record({ status: 'deleted', status_rank: 3 }) });
    const status = await request(app.getHttpServer()).get(`/uploads/${id}`).auth(cognito.accessToken(), { type: 'bearer' }).expect(200);
    expect(status.body).toMatchObject({ id, status: 'deleted' });
    await request(app.getHttpServer()).get(`/uploads/${id}/content`).auth(cognito.accessToken(), { type: 'bearer' }).expect(404);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('answers 503 with Retry-After, never 202, when Kinesis does not take the event', async () => {
    kinesis.on(PutRecordsCommand).rejects(new Error('connect ECONNREFUSED'));
    const res = await remove(app, id).expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const res = await request(app.getHttpServer()).delete(`/uploads/${id}`).expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(published()).toHaveLength(0);
  });

  it('is in the OpenAPI document with its answers and bearer auth', async () => {
    const res = await request(app.getHttpServer()).get('/docs-json').expect(200);
    const operation = res.body.paths['/uploads/{id}'].delete;
    // At least these (app-wide answers such as 429 may be documented on every route too).
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['202', '401', '404', '409', '503']));
    expect(operation.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/DeletionAcceptedDto');
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(operation.tags).toEqual(['uploads']);
  });
});

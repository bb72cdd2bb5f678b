import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, DynamoDBDocumentClient, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UploadStatusBatcher } from './upload-status.batcher';
import { pendingKeyOf, type UploadFacts } from './upload-record';

const factsFor = (n: number): UploadFacts => ({
  id: `7f3c1e9a-0000-4000-8000-${String(n).padStart(12, '0')}`,
  file_key: `uploads/7f3c1e9a-0000-4000-8000-${String(n).padStart(12, '0')}.txt`,
  owner_sub: 'sub-1',
  owner_username: 'demo@example.com',
  content_type: 'text/plain',
  size: 3,
  sha256: 'a'.repeat(64),
  accepted_at: '2026-01-01T00:00:00.000Z',
});

const idsOf = (input: BatchWriteCommandInput) =>
  (input.RequestItems?.['file-uploads'] ?? []).map((r) => r.PutRequest?.Item?.id as string);

describe('UploadStatusBatcher', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(doc);

  beforeEach(() => mock.reset());

  it('writes whole pending items under their own keys, at most 25 per BatchWriteItem call, expiring after the longest stream retention', async () => {
    mock.on(BatchWriteCommand).resolves({});
    const batcher = new UploadStatusBatcher(doc, 'file-uploads');
    await Promise.all(Array.from({ length: 60 }, (_, i) => batcher.writePending(factsFor(i), `request-${i}`)));

    const calls = mock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input);
    expect(Math.max(...calls.map((input) => idsOf(input).length))).toBeLessThanOrEqual(25);
    expect(calls.flatMap(idsOf).sort()).toEqual(Array.from({ length: 60 }, (_, i) => pendingKeyOf(factsFor(i).id)).sort());
    const item = calls[0].RequestItems!['file-uploads'][0].PutRequest!.Item!;
    expect(item).toMatchObject({
      ...factsFor(0),
      id: pendingKeyOf(factsFor(0).id),
      status: 'pending',
      status_rank: 0,
      updated_at: expect.any(String),
      written_by: 'request-0',
    });
    expect(item.expires_at).toBeGreaterThan(Date.now() / 1000 + 365 * 24 * 3600);
  });

  it('writes again only the items DynamoDB left unprocessed', async () => {
    let throttled = false;
    mock.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
      const requests = input.RequestItems!['file-uploads'];
      if (throttled || requests.length < 2) return {};
      throttled = true;
      const [, second] = requests;
      return { UnprocessedItems: { 'file-uploads': [second] } };
    });
    const batcher = new UploadStatusBatcher(doc, 'file-uploads');
    const blocker = batcher.writePending(factsFor(0), 'r0');
    const writes = [batcher.writePending(factsFor(1), 'r1'), batcher.writePending(factsFor(2), 'r2')];
    await Promise.all([blocker, ...writes]);
    const calls = mock.commandCalls(BatchWriteCommand).map((c) => idsOf(c.args[0].input));
    const firstOfTwo = calls.findIndex((ids) => ids.length === 2);
    expect(calls.slice(firstOfTwo + 1).flat()).toEqual([pendingKeyOf(factsFor(2).id)]);
  });

  it('rejects when DynamoDB refuses for good (no such table)', async () => {
    const missing = Object.assign(new Error('Requested resource not found'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    mock.on(BatchWriteCommand).rejects(missing);
    const batcher = new UploadStatusBatcher(doc, 'file-uploads');
    await expect(batcher.writePending(factsFor(1), 'r1')).rejects.toThrow('Requested resource not found');
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(1);
  });
});

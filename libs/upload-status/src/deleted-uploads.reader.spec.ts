import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, type BatchGetCommandInput } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeletedUploadsReader } from './deleted-uploads.reader';

describe('DeletedUploadsReader', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(doc);
  beforeEach(() => mock.reset());

  const keysOf = (input: BatchGetCommandInput) => (input.RequestItems!['file-uploads'].Keys ?? []).map((key) => key.id as string);

  it('answers questions asked together with one consistent BatchGetItem, each key once', async () => {
    let answer: (() => void) | undefined;
    mock
      .on(BatchGetCommand)
      .callsFakeOnce((input: BatchGetCommandInput) =>
        new Promise((resolve) => (answer = () => resolve({ Responses: { 'file-uploads': keysOf(input).map((id) => ({ id, status: 'stored' })) } }))),
      )
      .callsFake((input: BatchGetCommandInput) => ({
      Responses: { 'file-uploads': keysOf(input).flatMap((id) => (id === 'gone' ? [{ id, status: 'deleted' }] : id === 'new' ? [] : [{ id, status: 'stored' }])) },
    }));
    const reader = new DeletedUploadsReader(doc, 'file-uploads');
    const first = reader.isDeleted('a');
    // The call reaches the client through the SDK's middleware a few ticks later.
    for (const deadline = Date.now() + 2_000; answer === undefined && Date.now() < deadline; ) await new Promise((resolve) => setImmediate(resolve));
    // While the first call is out, three more questions (one asked twice) gather into the next.
    const later = Promise.all([reader.isDeleted('gone'), reader.isDeleted('new'), reader.isDeleted('gone'), reader.isDeleted('b')]);
    answer!();
    await expect(first).resolves.toBe(false);
    await expect(later).resolves.toEqual([true, false, true, false]);
    const calls = mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input);
    // Fewer calls than questions (how they group depends on timers: on a busy machine the 2 ms
    // linger may close a batch early), never a key twice in one call, every read consistent.
    expect(calls.length).toBeLessThan(5);
    expect(calls.slice(1).flatMap(keysOf).sort()).toEqual(expect.arrayContaining(['b', 'gone', 'new']));
    for (const input of calls) expect(new Set(keysOf(input)).size).toBe(keysOf(input).length);
    expect(calls.every((input) => input.RequestItems!['file-uploads'].ConsistentRead === true)).toBe(true);
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    mock
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { 'file-uploads': [] }, UnprocessedKeys: { 'file-uploads': { Keys: [{ id: 'x' }] } } })
      .resolves({ Responses: { 'file-uploads': [{ id: 'x', status: 'deleted' }] } });
    const reader = new DeletedUploadsReader(doc, 'file-uploads');
    await expect(reader.isDeleted('x')).resolves.toBe(true);
    expect(mock.commandCalls(BatchGetCommand)).toHaveLength(2);
  });
});

import { mockClient } from 'aws-sdk-client-mock';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UploadStatusRepository } from './upload-status.repository';
import { completionKeyOf, pendingKeyOf, STATUS_RANK, UNCONFIRMED_FAILURE_REASON, UNCONFIRMED_VERDICT_AFTER_MS, type UploadFacts } from './upload-record';

const facts: UploadFacts = {
  id: '7f3c1e9a-0000-4000-8000-000000000001',
  file_key: 'uploads/7f3c1e9a-0000-4000-8000-000000000001.txt',
  owner_sub: 'sub-1',
  owner_username: 'demo@example.com',
  content_type: 'text/plain',
  size: 3,
  sha256: 'a'.repeat(64),
  accepted_at: '2026-01-01T00:00:00.000Z',
};

describe('UploadStatusRepository', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const mock = mockClient(doc);
  const repo = new UploadStatusRepository(doc, 'file-uploads');

  beforeEach(() => mock.reset());

  it('writes the whole record with a condition that never lowers the status', async () => {
    mock.on(PutCommand).resolves({});
    await expect(repo.recordStored(facts)).resolves.toBe(true);
    const input = mock.commandCalls(PutCommand)[0].args[0].input;
    expect(input.Item).toMatchObject({ ...facts, status: 'stored', status_rank: 2 });
    expect(input.ConditionExpression).toBe('attribute_not_exists(id) OR status_rank < :rank');
    expect(input.ExpressionAttributeValues).toEqual({ ':rank': 2 });
  });

  it('reports a refused write (a later status already there) as false', async () => {
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(repo.recordFailed(facts, 'handler-failed')).resolves.toBe(false);
  });

  it('lets other errors through', async () => {
    mock.on(PutCommand).rejects(new Error('network down'));
    await expect(repo.recordFailed(facts, 'handler-failed')).rejects.toThrow('network down');
  });

  it('withdraws only the pending item its writer wrote (the upload\'s own item is never touched)', async () => {
    mock.on(DeleteCommand).resolves({});
    await expect(repo.withdrawPending(facts.id, 'request-1')).resolves.toBe(true);
    const input = mock.commandCalls(DeleteCommand)[0].args[0].input;
    expect(input).toMatchObject({ Key: { id: pendingKeyOf(facts.id) }, ConditionExpression: 'written_by = :writer' });
    expect(input.ExpressionAttributeValues).toEqual({ ':writer': 'request-1' });
    mock.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(repo.withdrawPending(facts.id, 'request-2')).resolves.toBe(false);
  });

  it('finds the upload\'s own item first, its pending item only while there is none', async () => {
    const stored = { ...facts, status: 'stored', status_rank: 2, updated_at: '2026-01-01T00:00:02.000Z' };
    const pending = { ...facts, id: pendingKeyOf(facts.id), status: 'pending', status_rank: 0, updated_at: '2026-01-01T00:00:01.000Z', written_by: 'r', expires_at: 1 };
    mock.on(GetCommand, { Key: { id: pendingKeyOf(facts.id) } }).resolves({ Item: pending });
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({});
    await expect(repo.find(facts.id)).resolves.toEqual({ ...facts, status: 'pending', status_rank: 0, updated_at: '2026-01-01T00:00:01.000Z' });
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({ Item: stored });
    await expect(repo.find(facts.id)).resolves.toEqual(stored);
    mock.on(GetCommand).resolves({});
    await expect(repo.find(facts.id)).resolves.toBeUndefined();
    expect(mock.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead === true)).toBe(true);
  });

  it('keeps an unconfirmed upload\'s pending item, over its own writer\'s or where none landed', async () => {
    mock.on(PutCommand).resolves({});
    const at = Date.parse('2026-01-01T00:00:05.000Z');
    await expect(repo.recordUnconfirmed(facts, 'request-1', at)).resolves.toBe(true);
    const input = mock.commandCalls(PutCommand)[0].args[0].input;
    expect(input.Item).toMatchObject({ ...facts, id: pendingKeyOf(facts.id), status: 'pending', written_by: 'request-1', unconfirmed_since: '2026-01-01T00:00:05.000Z' });
    expect(input.ConditionExpression).toBe('attribute_not_exists(id) OR written_by = :writer');
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(repo.recordUnconfirmed(facts, 'request-2', at)).resolves.toBe(false);
  });

  it('reports an unconfirmed upload pending while the worker may still store it, failed once it has waited too long', async () => {
    const since = Date.parse('2026-01-01T00:00:05.000Z');
    const unconfirmed = {
      ...facts, id: pendingKeyOf(facts.id), status: 'pending', status_rank: 0, updated_at: '2026-01-01T00:00:05.000Z',
      written_by: 'r', expires_at: 1, unconfirmed_since: '2026-01-01T00:00:05.000Z',
    };
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({});
    mock.on(GetCommand, { Key: { id: pendingKeyOf(facts.id) } }).resolves({ Item: unconfirmed });
    await expect(repo.find(facts.id, since + UNCONFIRMED_VERDICT_AFTER_MS - 1)).resolves.toMatchObject({
      id: facts.id, status: 'pending', unconfirmed_since: '2026-01-01T00:00:05.000Z',
    });
    const verdict = await repo.find(facts.id, since + UNCONFIRMED_VERDICT_AFTER_MS);
    expect(verdict).toMatchObject({ id: facts.id, status: 'failed', status_rank: STATUS_RANK.failed, failure_reason: UNCONFIRMED_FAILURE_REASON });
    // Once the worker stored it (the event did land), its own item is the truth, however late.
    const stored = { ...facts, status: 'stored', status_rank: 2, updated_at: '2026-01-01T01:00:00.000Z' };
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({ Item: stored });
    await expect(repo.find(facts.id, since + 10 * UNCONFIRMED_VERDICT_AFTER_MS)).resolves.toEqual(stored);
  });

  it('turns the owner\'s upload into a deleted tombstone, above every other status, without the file name', async () => {
    mock.on(PutCommand).resolves({});
    const failed = { ...facts, original_name: 'holiday.txt', status: 'failed' as const, status_rank: 1, updated_at: '2026-01-01T00:00:01.000Z', failure_reason: 'x' };
    await expect(repo.recordDeleted(failed)).resolves.toBe(true);
    const input = mock.commandCalls(PutCommand)[0].args[0].input;
    expect(input.Item).toEqual({ ...facts, status: 'deleted', status_rank: 3, updated_at: expect.any(String) });
    // Also where the worker has not written the upload's own item yet (only the pending item exists).
    expect(input.ConditionExpression).toBe('attribute_not_exists(id) OR (owner_sub = :owner AND status_rank < :rank)');
    expect(input.ExpressionAttributeValues).toEqual({ ':owner': 'sub-1', ':rank': 3 });
    expect(STATUS_RANK.deleted).toBeGreaterThan(Math.max(STATUS_RANK.pending, STATUS_RANK.failed, STATUS_RANK.stored));
  });

  it('reports a tombstone it could not write (another owner, deleted already) as false', async () => {
    const stored = { ...facts, status: 'stored' as const, status_rank: 2, updated_at: '2026-01-01T00:00:01.000Z' };
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(repo.recordDeleted(stored)).resolves.toBe(false);
    mock.on(PutCommand).rejects(new Error('network down'));
    await expect(repo.recordDeleted(stored)).rejects.toThrow('network down');
  });

  it('tells a deleted upload by a consistent read of its own item only', async () => {
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({ Item: { ...facts, status: 'deleted', status_rank: 3 } });
    await expect(repo.isDeleted(facts.id)).resolves.toBe(true);
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({ Item: { ...facts, status: 'stored', status_rank: 2 } });
    await expect(repo.isDeleted(facts.id)).resolves.toBe(false);
    mock.on(GetCommand, { Key: { id: facts.id } }).resolves({});
    await expect(repo.isDeleted(facts.id)).resolves.toBe(false);
    expect(mock.commandCalls(GetCommand).map((call) => call.args[0].input)).toEqual(
      Array.from({ length: 3 }, () => ({ TableName: 'file-uploads', Key: { id: facts.id }, ConsistentRead: true })),
    );
  });

  it('removes the api\'s pending item and completion marker of an upload', async () => {
    mock.on(DeleteCommand).resolves({});
    await repo.removeApiItems(facts.id);
    expect(mock.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key).sort((a, b) => String(a!.id).localeCompare(String(b!.id)))).toEqual([
      { id: completionKeyOf(facts.id) },
      { id: pendingKeyOf(facts.id) },
    ]);
  });
});

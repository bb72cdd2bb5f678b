import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LeaseLostError } from '../errors/lease-lost.error';
import type { Lease } from './lease';
import { LeaseManager } from './lease.manager';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(doc);
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'no', $metadata: {} });
const manager = new LeaseManager({
  dynamodb: doc,
  tableName: 'leases',
  streamName: 'events',
  workerId: 'me',
  leaseDurationMs: 10_000,
  now: () => 1_000,
});
const held: Lease = { leaseKey: 'events/shard-1', shardId: 'shard-1', owner: 'me', counter: 7, expiresAt: 5_000, parentShardIds: [] };

beforeEach(() => mock.reset());

describe('LeaseManager', () => {
  it('checkpoints only while owner and counter are still ours', async () => {
    mock.on(UpdateCommand).resolves({});
    await expect(manager.checkpoint(held, '123')).resolves.toMatchObject({ checkpoint: '123', counter: 7 });
    const input = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.Key).toEqual({ lease_key: 'events/shard-1' });
    expect(input.ConditionExpression).toBe('#owner = :me AND #counter = :seen');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':me': 'me', ':seen': 7, ':checkpoint': '123' });
  });

  it('refuses a zombie checkpoint (the lease moved on) with LeaseLostError', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(manager.checkpoint(held, '124')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(manager.renew(held)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('lets other errors through as they are (an outage is not a lost lease)', async () => {
    mock.on(UpdateCommand).rejects(new Error('network down'));
    await expect(manager.checkpoint(held, '124')).rejects.toThrow('network down');
  });

  it('renews by bumping the counter and the expiry', async () => {
    mock.on(UpdateCommand).resolves({ Attributes: { lease_key: 'events/shard-1', shard_id: 'shard-1', lease_owner: 'me', lease_counter: 8, lease_expires_at: 11_000 } });
    await expect(manager.renew(held)).resolves.toMatchObject({ counter: 8, expiresAt: 11_000 });
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.ExpressionAttributeValues).toEqual({
      ':me': 'me', ':seen': 7, ':next': 8, ':expires': 11_000,
    });
  });

  it('takes a lease conditionally on the counter seen; losing the race gives undefined', async () => {
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(manager.take({ ...held, owner: 'other', expiresAt: 0 })).resolves.toBeUndefined();
    const input = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.ConditionExpression).toBe('#counter = :seen');
  });

  it('creates a missing lease without overwriting one that exists', async () => {
    mock.on(PutCommand).rejects(conditionFailed());
    await expect(manager.create('shard-2', ['shard-1'])).resolves.toBeUndefined();
    const input = mock.commandCalls(PutCommand)[0].args[0].input;
    expect(input.ConditionExpression).toBe('attribute_not_exists(#key)');
    expect(input.Item).toMatchObject({ lease_key: 'events/shard-2', lease_counter: 0, parent_shard_ids: ['shard-1'] });
  });

  it('lists the leases of its stream across pages', async () => {
    mock
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ lease_key: 'events/a', shard_id: 'a', lease_counter: 1 }], LastEvaluatedKey: { lease_key: 'events/a' } })
      .resolvesOnce({ Items: [{ lease_key: 'events/b', shard_id: 'b', checkpoint: 'SHARD_END' }] });
    const leases = await manager.list();
    expect(leases.map((l) => [l.shardId, l.checkpoint])).toEqual([['a', undefined], ['b', 'SHARD_END']]);
    expect(mock.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ lease_key: 'events/a' });
  });

  it('treats unowned, expired and own leases as available', () => {
    expect(manager.isAvailable({ ...held, owner: undefined })).toBe(true);
    expect(manager.isAvailable({ ...held, owner: 'other', expiresAt: 999 })).toBe(true);
    expect(manager.isAvailable({ ...held, owner: 'other', expiresAt: 5_000 })).toBe(false);
  });

  it('asks for a handoff only while the holder is the one seen and no request stands', async () => {
    mock.on(UpdateCommand).resolves({});
    await expect(manager.requestHandoff({ ...held, owner: 'busy' })).resolves.toBe(true);
    const input = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.UpdateExpression).toBe('SET #pending = :me');
    expect(input.ConditionExpression).toBe('#owner = :owner AND attribute_not_exists(#pending)');
    expect(input.ExpressionAttributeValues).toEqual({ ':me': 'me', ':owner': 'busy' });
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(manager.requestHandoff({ ...held, owner: 'busy' })).resolves.toBe(false);
  });

  it('hands a held lease over to the worker that asked, with a fresh expiry', async () => {
    mock.on(UpdateCommand).resolves({});
    await manager.handOver({ ...held, pendingOwner: 'newcomer' });
    const input = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.ConditionExpression).toBe('#owner = :me AND #counter = :seen AND #pending = :successor');
    expect(input.ExpressionAttributeValues).toEqual({ ':me': 'me', ':seen': 7, ':successor': 'newcomer', ':next': 8, ':expires': 11_000 });
  });

  it('releases instead when nobody asked', async () => {
    mock.on(UpdateCommand).resolves({});
    await manager.handOver(held);
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.UpdateExpression).toBe(
      'REMOVE #owner, #pending SET #counter = :next, #expires = :zero',
    );
  });

  it('replay: moves a free lease\'s checkpoint at once, conditional on the counter seen', async () => {
    mock.on(UpdateCommand).resolves({});
    await expect(manager.requestReset({ ...held, owner: undefined, expiresAt: 0 }, 'TRIM_HORIZON')).resolves.toBe('applied');
    const input = mock.commandCalls(UpdateCommand)[0].args[0].input;
    expect(input.ConditionExpression).toBe('#counter = :seen');
    expect(input.ExpressionAttributeValues).toEqual({ ':checkpoint': 'TRIM_HORIZON', ':seen': 7, ':next': 8 });
  });

  it('replay: leaves a request on a lease a live worker holds, and reports a race', async () => {
    mock.on(UpdateCommand).resolves({});
    await expect(manager.requestReset({ ...held, owner: 'busy' }, 'AT_TIMESTAMP/5')).resolves.toBe('requested');
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input).toMatchObject({
      UpdateExpression: 'SET #reset = :checkpoint',
      ConditionExpression: '#owner = :owner',
    });
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(manager.requestReset({ ...held, owner: 'busy' }, 'AT_TIMESTAMP/5')).resolves.toBe('raced');
  });

  it('replay: the holder applies the requested checkpoint only while the lease is its own', async () => {
    mock.on(UpdateCommand).resolves({});
    await expect(manager.applyReset({ ...held, resetTo: 'TRIM_HORIZON' })).resolves.toMatchObject({ checkpoint: 'TRIM_HORIZON', resetTo: undefined });
    expect(mock.commandCalls(UpdateCommand)[0].args[0].input.ConditionExpression).toBe('#owner = :me AND #counter = :seen');
    mock.on(UpdateCommand).rejects(conditionFailed());
    await expect(manager.applyReset({ ...held, resetTo: 'TRIM_HORIZON' })).rejects.toBeInstanceOf(LeaseLostError);
  });
});

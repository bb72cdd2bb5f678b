import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { auditStream } from './stream-audit';

const packet = (uploadId: string) => Buffer.from(JSON.stringify({ pattern: 'file.uploaded', id: 'packet', data: { id: uploadId } }));

describe('auditStream', () => {
  const kinesis = mockClient(KinesisClient);
  afterEach(() => kinesis.reset());

  /** Two shards; shard 0 in two pages, shard 1 in one, each ending with an empty page. */
  function streamHolding(shard0: Uint8Array[][], shard1: Uint8Array[]) {
    kinesis.on(ListShardsCommand).resolves({ Shards: [{ ShardId: 'shard-0' }, { ShardId: 'shard-1' }] } as never);
    kinesis.on(GetShardIteratorCommand, { ShardId: 'shard-0' }).resolves({ ShardIterator: 's0-p0' });
    kinesis.on(GetShardIteratorCommand, { ShardId: 'shard-1' }).resolves({ ShardIterator: 's1-p0' });
    const page = (data: Uint8Array[], next: string) => ({ Records: data.map((Data) => ({ Data }) as never), NextShardIterator: next });
    kinesis.on(GetRecordsCommand, { ShardIterator: 's0-p0' }).resolves(page(shard0[0], 's0-p1'));
    kinesis.on(GetRecordsCommand, { ShardIterator: 's0-p1' }).resolves(page(shard0[1], 's0-p2'));
    kinesis.on(GetRecordsCommand, { ShardIterator: 's0-p2' }).resolves(page([], 's0-p3'));
    kinesis.on(GetRecordsCommand, { ShardIterator: 's1-p0' }).resolves(page(shard1, 's1-p1'));
    kinesis.on(GetRecordsCommand, { ShardIterator: 's1-p1' }).resolves(page([], 's1-p2'));
  }

  it('finds every receipt across shards and pages, and counts records nobody got a receipt for', async () => {
    streamHolding([[packet('a'), packet('b')], [packet('c')]], [packet('d'), packet('abandoned')]);

    const audit = await auditStream(new KinesisClient({}), 'stream', new Set(['a', 'b', 'c', 'd']), 32);

    expect(audit).toEqual({
      stream: 'stream',
      receipts: 4,
      records: 5,
      receiptsMissingFromStream: 0,
      recordsWithoutReceipt: 1,
      abandonedBound: 32,
      duplicateRecords: 0,
      unreadableRecords: 0,
    });
  });

  it('reports a 202 whose record is not in the stream, duplicates and records that are not wire packets', async () => {
    streamHolding([[packet('a'), packet('a')], [Buffer.from('not json')]], [Buffer.from('{"data":{}}')]);

    const audit = await auditStream(new KinesisClient({}), 'stream', new Set(['a', 'lost']), 32);

    expect(audit).toMatchObject({
      receipts: 2,
      records: 4,
      receiptsMissingFromStream: 1,
      recordsWithoutReceipt: 0,
      duplicateRecords: 1,
      unreadableRecords: 2,
    });
  });
});

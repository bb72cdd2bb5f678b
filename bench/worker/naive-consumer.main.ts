// The naive consumer of `npm run bench:worker`: what a first attempt at "read the stream, put
// each file in S3" looks like. Per shard: GetRecords from the trim horizon, then one PutObject
// at a time, in record order; no leases, no checkpoints, no status writes. One process, compiled
// to dist/ and run with plain node (one self-contained file: only packages, no relative imports).
// Reads NAIVE_STREAM, NAIVE_BUCKET and NAIVE_EXPECTED (it stops once it stored that many) and
// the usual AWS_* variables; tells the parent over IPC when it is done.
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

interface FileEvent {
  data: { file_key: string; content_type: string; body: { kind: string; data_base64?: string } };
}

async function main(): Promise<void> {
  const stream = required('NAIVE_STREAM');
  const bucket = required('NAIVE_BUCKET');
  const expected = Number(required('NAIVE_EXPECTED'));
  // kinesalite speaks HTTP/1.1 only; s3rver serves path-style URLs only.
  const kinesis = new KinesisClient({ endpoint: process.env.AWS_ENDPOINT_URL_KINESIS, requestHandler: new NodeHttpHandler() });
  const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const iterators = new Map<string, string | undefined>();
  for (const shard of shards) {
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    iterators.set(shard.ShardId!, ShardIterator);
  }
  let stored = 0;
  let getRecordsCalls = 0;
  while (stored < expected) {
    for (const [shardId, iterator] of iterators) {
      if (iterator === undefined) continue;
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      getRecordsCalls += 1;
      iterators.set(shardId, page.NextShardIterator);
      for (const record of page.Records ?? []) {
        const event = JSON.parse(Buffer.from(record.Data!).toString('utf8')) as FileEvent;
        const bytes = Buffer.from(event.data.body.data_base64 ?? '', 'base64');
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: event.data.file_key, Body: bytes, ContentLength: bytes.length, ContentType: event.data.content_type }),
        );
        stored += 1;
      }
    }
  }
  process.send?.({ type: 'done', stored, getRecordsCalls });
  kinesis.destroy();
  s3.destroy();
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

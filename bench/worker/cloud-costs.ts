import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FileUploadedV1 } from '@lib/contracts';
import type { KinesisPacket } from '@lib/kinesis';
import { UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import type { PreloadedFile } from './file-events';
import type { WorkerBenchCloud } from './worker-bench.cloud';

/**
 * What the worker's other calls cost the local cloud, per file, measured alone: the status
 * calls of every stored file (a consistent GetItem, then the conditional `stored` PutItem, as
 * FileUploadProcessor makes them) and reading the records
 * (GetRecords of 1,000). Both land on the kinesalite/dynalite process, not on s3rver's: set
 * against a raw PutObject's cost, they show the CPU the worker's run needs besides S3.
 */
export interface CloudCosts {
  statusWrites: { items: number; seconds: number; cloudCpuMicrosPerItem: number; calls: number };
  getRecords: { records: number; seconds: number; cloudCpuMicrosPerRecord: number; calls: number };
}

export async function measureCloudCosts(spec: {
  dynamodb: DynamoDBDocumentClient;
  table: string;
  kinesis: KinesisClient;
  /** A stream already drained (its records are read again from the trim horizon). */
  stream: string;
  files: readonly PreloadedFile[];
  statusItems: number;
  cloud: WorkerBenchCloud;
}): Promise<CloudCosts> {
  const events = spec.files.slice(0, spec.statusItems).map((file) => JSON.parse(Buffer.from(file.record).toString('utf8')) as KinesisPacket<FileUploadedV1>);
  const statuses = new UploadStatusRepository(spec.dynamodb, spec.table);
  let cpuBefore = (await spec.cloud.cpuSeconds()).total;
  let started = performance.now();
  // 16 writes submitted at a time: what the worker's 4 shards × 4 records in flight submit.
  let next = 0;
  const lane = async () => {
    while (next < events.length) {
      const packet = events[next++];
      await statuses.isDeleted(packet.data.id);
      await statuses.recordStored(uploadFactsFrom(packet.data, packet.occurred_at));
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  const statusSeconds = (performance.now() - started) / 1000;
  const statusCpu = (await spec.cloud.cpuSeconds()).total - cpuBefore;

  cpuBefore = (await spec.cloud.cpuSeconds()).total;
  started = performance.now();
  let records = 0;
  let calls = 0;
  const shards = (await spec.kinesis.send(new ListShardsCommand({ StreamName: spec.stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await spec.kinesis.send(new GetShardIteratorCommand({ StreamName: spec.stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    while (iterator) {
      const page = await spec.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      calls += 1;
      const count = page.Records?.length ?? 0;
      records += count;
      iterator = count > 0 ? page.NextShardIterator : undefined;
    }
  }
  const readSeconds = (performance.now() - started) / 1000;
  const readCpu = (await spec.cloud.cpuSeconds()).total - cpuBefore;
  return {
    statusWrites: { items: events.length, seconds: statusSeconds, cloudCpuMicrosPerItem: (statusCpu * 1e6) / events.length, calls: 2 * events.length },
    getRecords: { records, seconds: readSeconds, cloudCpuMicrosPerRecord: (readCpu * 1e6) / Math.max(records, 1), calls },
  };
}

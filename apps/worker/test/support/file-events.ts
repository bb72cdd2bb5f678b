import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  type FileUploadedV1,
} from '@lib/contracts';
import { encodePacket, type KinesisPacket } from '@lib/kinesis';

/** PutRecords takes at most 500 records per call. */
const PUT_RECORDS_MAX = 500;

/** A `file.uploaded` v1 event with its bytes inline, and the wire record that carries it. */
export interface FileEvent {
  event: FileUploadedV1;
  correlationId: string;
  entry: PutRecordsRequestEntry;
}

/**
 * Valid events as the api would publish them: inline bodies whose size and sha256 match (the
 * worker checks both), headers `payload-version: 1` and a correlation id, and the upload id as
 * partition key (so one upload's records stay in order on one shard).
 */
export function fileEvents(count: number, username: string): FileEvent[] {
  return Array.from({ length: count }, () => {
    const id = randomUUID();
    const bytes = randomBytes(256 + Math.floor(Math.random() * 1024));
    const event: FileUploadedV1 = {
      id,
      file_key: `uploads/${id}.bin`,
      owner: { sub: 'fault-sub', username },
      content_type: 'application/octet-stream',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      body: { kind: 'inline', data_base64: bytes.toString('base64') },
    };
    const correlationId = randomUUID();
    const packet: KinesisPacket<FileUploadedV1> = {
      pattern: FILE_UPLOADED,
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      headers: { [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION, [HEADER_CORRELATION_ID]: correlationId },
      data: event,
    };
    return { event, correlationId, entry: { Data: encodePacket(packet), PartitionKey: id } };
  });
}

/**
 * Puts the events in batches of 500 and returns how many landed on each shard. Kinesis may
 * refuse single records of a batch (throughput); those are put again, so every event is in.
 */
export async function putFileEvents(kinesis: KinesisClient, streamName: string, events: FileEvent[]): Promise<Map<string, number>> {
  const perShard = new Map<string, number>();
  for (let start = 0; start < events.length; start += PUT_RECORDS_MAX) {
    let pending = events.slice(start, start + PUT_RECORDS_MAX).map((e) => e.entry);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error(`${pending.length} records still refused after 5 PutRecords attempts`);
      const { Records = [] } = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
      const refused: PutRecordsRequestEntry[] = [];
      Records.forEach((result, index) => {
        if (result.ErrorCode || !result.ShardId) refused.push(pending[index]);
        else perShard.set(result.ShardId, (perShard.get(result.ShardId) ?? 0) + 1);
      });
      pending = refused;
    }
  }
  return perShard;
}

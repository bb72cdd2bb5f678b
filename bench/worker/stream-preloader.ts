import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { PreloadedFile } from './file-events';

/** PutRecords takes at most 500 records per call. */
const PUT_RECORDS_MAX = 500;
const MAX_ROUNDS = 20;

/**
 * Writes the records to the stream before any timing, partition key = upload id (as the api
 * does), in PutRecords calls of 500; records the stream refused (FailedRecordCount) are sent
 * again, so every file is in the stream when this resolves.
 */
export async function preloadStream(kinesis: KinesisClient, stream: string, files: readonly PreloadedFile[]): Promise<void> {
  for (let start = 0; start < files.length; start += PUT_RECORDS_MAX) {
    let pending: PutRecordsRequestEntry[] = files
      .slice(start, start + PUT_RECORDS_MAX)
      .map((file) => ({ Data: file.record, PartitionKey: file.id }));
    for (let round = 1; pending.length > 0; round += 1) {
      if (round > MAX_ROUNDS) throw new Error(`${stream}: ${pending.length} records still refused after ${MAX_ROUNDS} PutRecords calls`);
      const output = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: pending }));
      const results = output.Records ?? [];
      pending = pending.filter((_, index) => results[index]?.ErrorCode !== undefined);
    }
  }
}

import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeadLetter, DeadLetterSink } from './dead-letter';

/**
 * Stores each dead letter as JSON at `<prefix>/<shardId>/<sequenceNumber>[-<subSequence>].json`. The key is
 * a function of the record alone, so a retried or repeated write replaces the same object.
 */
export class S3DeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'dead-letter',
  ) {}

  keyOf(letter: Pick<DeadLetter, 'shard_id' | 'sequence_number' | 'sub_sequence_number'>): string {
    // User records of one KPL aggregate share a sequence number: the sub-sequence tells them apart.
    const sub = letter.sub_sequence_number === undefined ? '' : `-${letter.sub_sequence_number}`;
    return `${this.prefix}/${letter.shard_id}/${letter.sequence_number}${sub}.json`;
  }

  async send(letter: DeadLetter): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.keyOf(letter),
        Body: JSON.stringify(letter),
        ContentType: 'application/json',
      }),
    );
  }
}

import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeadLetter, DeadLetterSink } from './dead-letter';

/**
 * Stores each dead letter as JSON at `<prefix>/<shardId>/<sequenceNumber>.json`. The key is
 * a function of the record alone, so a retried or repeated write replaces the same object.
 */
export class S3DeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix = 'dead-letter',
  ) {}

  keyOf(letter: Pick<DeadLetter, 'shard_id' | 'sequence_number'>): string {
    return `${this.prefix}/${letter.shard_id}/${letter.sequence_number}.json`;
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

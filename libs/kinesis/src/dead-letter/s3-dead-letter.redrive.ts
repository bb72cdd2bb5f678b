import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisRecordSender } from '../client/kinesis-record.sender';
import { describeError } from '../server/aws-errors';
import type { DeadLetter, DeadLetterReason } from './dead-letter';

/** Which dead letters to publish again. */
export interface RedriveOptions {
  /** Only letters with one of these reasons. Default: every reason but `malformed-record`. */
  reasons?: DeadLetterReason[];
  /** Only letters of this shard. */
  shardId?: string;
  /** Report what would be redriven, change nothing. */
  dryRun?: boolean;
  /** Stop after this many letters redriven. */
  limit?: number;
  /** Letters handled at once (their records share PutRecords calls). Default 16. */
  concurrency?: number;
  /**
   * Asked for every letter the other options select, before it is published: what the
   * application knows that the transport does not (e.g. that the event's subject is gone).
   * Default: redrive every one.
   */
  policy?: RedrivePolicy;
}

/**
 * What to do with one dead letter: publish it again; discard it (delete it unpublished: its
 * event must never be handled, and its bytes must not outlive that); or leave it for later.
 */
export type RedriveVerdict = { action: 'redrive' } | { action: 'discard'; why: string } | { action: 'leave'; why: string };

export type RedrivePolicy = (letter: DeadLetter) => Promise<RedriveVerdict>;

export interface RedriveSummary {
  redriven: string[];
  /** Deleted without being published, on the policy's word (listed, not deleted, in a dry run). */
  discarded: Array<{ key: string; why: string }>;
  skipped: Array<{ key: string; why: string }>;
  failed: Array<{ key: string; error: string }>;
}

/**
 * Publishes dead letters stored by `S3DeadLetterSink` again, once their cause is fixed: each
 * letter's original record bytes go back into the stream under their partition key (same
 * event, same id, so idempotent handlers make a repeat harmless), and only then is the
 * letter deleted. A letter whose record cannot be put stays where it is. Records that were
 * not even valid packets (`malformed-record`) are left out unless asked for: sending the
 * same bytes again can only fail again. An application policy may discard letters whose
 * event must no longer happen, or leave others.
 */
export class S3DeadLetterRedrive {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly sender: KinesisRecordSender,
    private readonly prefix = 'dead-letter',
  ) {}

  async run(options: RedriveOptions = {}): Promise<RedriveSummary> {
    const reasons = new Set<DeadLetterReason>(
      options.reasons ?? ['no-handler', 'handler-rejected', 'handler-failed', 'record-too-old'],
    );
    const summary: RedriveSummary = { redriven: [], discarded: [], skipped: [], failed: [] };
    const keys = await this.listKeys(options.shardId);
    let next = 0;
    const worker = async () => {
      while (next < keys.length && (options.limit === undefined || summary.redriven.length < options.limit)) {
        const key = keys[next++];
        try {
          const letter = await this.read(key);
          if (!reasons.has(letter.reason)) {
            summary.skipped.push({ key, why: `reason ${letter.reason}` });
            continue;
          }
          const verdict = options.policy ? await options.policy(letter) : ({ action: 'redrive' } as const);
          if (verdict.action === 'leave') {
            summary.skipped.push({ key, why: verdict.why });
            continue;
          }
          if (verdict.action === 'discard') {
            if (!options.dryRun) await this.delete(key);
            summary.discarded.push({ key, why: verdict.why });
            continue;
          }
          if (!options.dryRun) await this.redrive(key, letter);
          summary.redriven.push(key);
        } catch (error) {
          summary.failed.push({ key, error: describeError(error) });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
    await this.sender.flush?.();
    return summary;
  }

  private async listKeys(shardId: string | undefined): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: shardId === undefined ? `${this.prefix}/` : `${this.prefix}/${shardId}/`,
          ContinuationToken: token,
        }),
      );
      keys.push(...(page.Contents ?? []).map((object) => object.Key!).filter((key) => key.endsWith('.json')));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async read(key: string): Promise<DeadLetter> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse(await object.Body!.transformToString('utf8')) as DeadLetter;
  }

  private async redrive(key: string, letter: DeadLetter): Promise<void> {
    await this.sender.send({
      data: Buffer.from(letter.data_base64, 'base64'),
      // An empty key is refused by Kinesis; the sequence number spreads such records.
      partitionKey: letter.partition_key || letter.sequence_number,
    });
    await this.delete(key);
  }

  private async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}

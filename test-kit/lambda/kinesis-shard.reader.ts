import { GetRecordsCommand, GetShardIteratorCommand, ProvisionedThroughputExceededException, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ShardPage, ShardReader } from './event-source-mapping';

/**
 * After a refused GetRecords the mapping waits one call's share of the shard's 5 calls/s
 * before asking again (its read bucket then holds a call), rather than spinning on refusals.
 */
const THROTTLED_WAIT_MS = 200;

/**
 * Reads a shard from its trim horizon (or a point in time) as the event source mapping's poller does: GetRecords
 * pages in order, through whatever endpoint the client has (the AWS profile's proxy limits it
 * to 5 calls and 2 MiB/s per shard). A refused call (ProvisionedThroughputExceededException) is
 * counted and asked again; the SDK client must make one attempt per call so that every
 * refusal is seen here. The stream is filled before the drain, so an empty page means the
 * shard is read to its end (kinesalite returns no empty page before its last record).
 */
export class KinesisShardReader implements ShardReader {
  private iterator?: string;
  /** GetRecords calls made, and how many of them were refused. */
  readonly calls = { made: 0, throttled: 0 };

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
    private readonly shardId: string,
    /** Records per GetRecords call, at most. */
    private readonly limit: number,
    /** Where to start: the trim horizon (default), or the first record that arrived at or after this time. */
    private readonly from?: Date,
  ) {}

  async read(): Promise<ShardPage> {
    const start = this.from ? { ShardIteratorType: 'AT_TIMESTAMP' as const, Timestamp: this.from } : { ShardIteratorType: 'TRIM_HORIZON' as const };
    this.iterator ??= (await this.kinesis.send(new GetShardIteratorCommand({ StreamName: this.streamName, ShardId: this.shardId, ...start }))).ShardIterator;
    for (;;) {
      this.calls.made++;
      try {
        const page = await this.kinesis.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: this.limit }));
        this.iterator = page.NextShardIterator;
        const records = page.Records ?? [];
        return { records, caughtUp: records.length === 0 || !this.iterator };
      } catch (error) {
        if (!(error instanceof ProvisionedThroughputExceededException)) throw error;
        this.calls.throttled++;
        await new Promise((resolve) => setTimeout(resolve, THROTTLED_WAIT_MS));
      }
    }
  }
}

import { awsErrorResponse, awsResponse, decodeObject, type AwsRpcCodec } from './aws-rpc.protocol';
import { KINESIS_ERROR_MESSAGES, streamNameOf } from './kinesis-errors';
import type { KinesisShardThroughput } from './kinesis-shard-throughput';
import type { BufferedResponse, Upstream } from './proxy-http';
import {
  mergePutRecordsResponse,
  putRecordsEntries,
  splitPutRecords,
  type PutRecordsRequestEntry,
  type PutRecordsResponseBody,
} from './put-records.split';
import type { RpcCall } from './rpc-shaping.proxy';
import { hashKeyOf, type ShardDirectory } from './shard-map';
import type { ShardIterators } from './shard-iterators';

const THROTTLED = 'ProvisionedThroughputExceededException';

/** What the limits did since the proxy started. */
export interface KinesisLimitStats {
  /** Records that reached the stream (PutRecord counts one). */
  recordsForwarded: number;
  /** Records refused for a shard's write limits (PutRecords entries and whole PutRecord calls). */
  recordsThrottled: number;
  /** GetRecords calls refused for a shard's read limits. */
  readsThrottled: number;
  /** GetRecords calls with an iterator this proxy did not hand out (not limited). */
  unknownIterators: number;
  /** Shard map fetches after a record landed elsewhere than predicted (resharding). */
  staleShardMaps: number;
}

export function emptyKinesisLimitStats(): KinesisLimitStats {
  return { recordsForwarded: 0, recordsThrottled: 0, readsThrottled: 0, unknownIterators: 0, staleShardMaps: 0 };
}

/**
 * Kinesis' per-shard limits in front of kinesalite, answered the way Kinesis answers them:
 * - PutRecord over a shard's write limits: HTTP 400 ProvisionedThroughputExceededException;
 * - PutRecords: each record over its shard's limits gets a per-record
 *   ProvisionedThroughputExceededException entry (AWS's message, naming the shard), the call
 *   itself is 200 with FailedRecordCount, and only the admitted records reach the stream;
 * - GetRecords over a shard's read limits: HTTP 400 ProvisionedThroughputExceededException.
 * A record's shard is found as Kinesis finds it (MD5 of the partition key, or the explicit
 * hash key, against the open shards' hash key ranges listed by the stand-in).
 */
export class KinesisLimitsHandler {
  readonly stats = emptyKinesisLimitStats();

  constructor(
    private readonly throughput: KinesisShardThroughput,
    private readonly directory: ShardDirectory,
    private readonly iterators: ShardIterators,
  ) {}

  readonly handle = async (call: RpcCall, upstream: Upstream): Promise<BufferedResponse> => {
    const { codec, input } = call;
    if (codec === undefined || input === undefined) return upstream.send(call.req, call.body);
    switch (call.operation) {
      case 'PutRecord':
        return this.putRecord(call, codec, input, upstream);
      case 'PutRecords':
        return this.putRecords(call, codec, input, upstream);
      case 'GetShardIterator':
        return this.getShardIterator(call, codec, input, upstream);
      case 'GetRecords':
        return this.getRecords(call, codec, input, upstream);
      default:
        return upstream.send(call.req, call.body);
    }
  };

  private async putRecord(call: RpcCall, codec: AwsRpcCodec, input: Record<string, unknown>, upstream: Upstream) {
    const stream = streamNameOf(input);
    const shardId = await this.shardOf(stream, input);
    if (shardId !== undefined && !this.throughput.admitWrite(shardKey(stream, shardId), recordBytes(codec, input))) {
      this.stats.recordsThrottled += 1;
      return awsErrorResponse(codec, 400, THROTTLED, KINESIS_ERROR_MESSAGES[THROTTLED](stream, shardId));
    }
    const response = await upstream.send(call.req, call.body);
    if (response.statusCode === 200) {
      this.stats.recordsForwarded += 1;
      const placed = decodeObject(codec, response.body)?.ShardId;
      if (shardId !== undefined && placed !== shardId) this.markStale(stream);
    }
    return response;
  }

  private async putRecords(call: RpcCall, codec: AwsRpcCodec, input: Record<string, unknown>, upstream: Upstream) {
    const stream = streamNameOf(input);
    const entries = putRecordsEntries(input);
    if (entries === undefined) return upstream.send(call.req, call.body);
    const shards = await Promise.all(entries.map((entry) => this.shardOf(stream, entry)));
    // In request order, as Kinesis takes them: an early record can use up what a later one needed.
    const split = splitPutRecords(input, (entry, i) => {
      const shardId = shards[i];
      if (shardId === undefined || this.throughput.admitWrite(shardKey(stream, shardId), recordBytes(codec, entry))) return undefined;
      return { code: THROTTLED, shardId };
    })!;
    const throttled = split.failures.filter(Boolean).length;
    this.stats.recordsThrottled += throttled;
    if (split.forward === undefined) return awsResponseOf(codec, mergePutRecordsResponse(split, undefined));

    const response = await upstream.send(call.req, codec.encode(split.forward));
    // An error from the stand-in (no such stream, bad request) concerns the whole call: pass it on.
    if (response.statusCode !== 200) return response;
    const forwarded = decodeObject(codec, response.body) as PutRecordsResponseBody | undefined;
    const merged = mergePutRecordsResponse(split, forwarded);
    this.stats.recordsForwarded += entries.length - throttled;
    merged.Records.forEach((entry, i) => {
      if ('ShardId' in entry && shards[i] !== undefined && entry.ShardId !== shards[i]) this.markStale(stream);
    });
    return awsResponseOf(codec, merged, response);
  }

  private async getShardIterator(call: RpcCall, codec: AwsRpcCodec, input: Record<string, unknown>, upstream: Upstream) {
    const response = await upstream.send(call.req, call.body);
    const iterator = response.statusCode === 200 ? decodeObject(codec, response.body)?.ShardIterator : undefined;
    if (typeof iterator === 'string' && typeof input.ShardId === 'string') {
      this.iterators.remember(iterator, shardKey(streamNameOf(input), input.ShardId));
    }
    return response;
  }

  private async getRecords(call: RpcCall, codec: AwsRpcCodec, input: Record<string, unknown>, upstream: Upstream) {
    const iterator = typeof input.ShardIterator === 'string' ? input.ShardIterator : '';
    const shard = this.iterators.shardOf(iterator);
    if (shard === undefined) {
      this.stats.unknownIterators += 1;
      return upstream.send(call.req, call.body);
    }
    if (!this.throughput.admitRead(shard)) {
      this.stats.readsThrottled += 1;
      const [stream, shardId] = splitShardKey(shard);
      return awsErrorResponse(codec, 400, THROTTLED, KINESIS_ERROR_MESSAGES[THROTTLED](stream, shardId));
    }
    const response = await upstream.send(call.req, call.body);
    if (response.statusCode === 200) {
      const output = decodeObject(codec, response.body);
      const records = Array.isArray(output?.Records) ? (output.Records as { Data?: unknown }[]) : [];
      this.throughput.chargeRead(shard, records.reduce((sum, r) => sum + codec.blobLength(r.Data), 0));
      if (typeof output?.NextShardIterator === 'string') this.iterators.remember(output.NextShardIterator, shard);
    }
    return response;
  }

  /** The shard a record goes to; undefined when it cannot be told (no such stream: the stand-in answers). */
  private async shardOf(stream: string, record: PutRecordsRequestEntry): Promise<string | undefined> {
    if (typeof record.PartitionKey !== 'string') return undefined;
    try {
      const explicit = typeof record.ExplicitHashKey === 'string' ? record.ExplicitHashKey : undefined;
      return await this.directory.shardFor(stream, hashKeyOf(record.PartitionKey, explicit));
    } catch {
      return undefined;
    }
  }

  private markStale(stream: string): void {
    this.stats.staleShardMaps += 1;
    this.directory.markStale(stream);
  }
}

/** What a record weighs against a shard's write limit: its data and its partition key. */
function recordBytes(codec: AwsRpcCodec, record: PutRecordsRequestEntry): number {
  const key = typeof record.PartitionKey === 'string' ? Buffer.byteLength(record.PartitionKey, 'utf8') : 0;
  return codec.blobLength(record.Data) + key;
}

function shardKey(stream: string, shardId: string): string {
  return `${stream}/${shardId}`;
}

function splitShardKey(key: string): [stream: string, shardId: string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/** A 200 with `body`, keeping the stand-in's headers (request id) when there was a stand-in answer. */
function awsResponseOf(codec: AwsRpcCodec, body: PutRecordsResponseBody, like?: BufferedResponse): BufferedResponse {
  if (like === undefined) return awsResponse(codec, 200, body);
  return { statusCode: 200, headers: { ...like.headers, 'content-type': codec.contentType }, body: codec.encode(body) };
}

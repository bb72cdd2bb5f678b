import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Every 202 the benchmark saw, held up against what the stream holds. */
export interface StreamAudit {
  stream: string;
  /** Receipts (202 with an id) the client got from this server, sanity checks included. */
  receipts: number;
  /** Records in the stream. */
  records: number;
  /** Receipts whose upload id has no record: the promise "202 = in the stream" broken. Must be 0. */
  receiptsMissingFromStream: number;
  /** Records no receipt names: requests abandoned in flight when a timed run ended (at most `abandonedBound`). */
  recordsWithoutReceipt: number;
  /** At most this many requests were in flight when load runs stopped (connections × runs). */
  abandonedBound: number;
  /** Records carrying an upload id already seen (a publish retried after a lost answer). */
  duplicateRecords: number;
  /** Records whose data is not a wire packet with `data.id`. */
  unreadableRecords: number;
}

const GET_RECORDS_LIMIT = 10_000;

/** Reads a whole stream from the trim horizon and returns the upload id (`data.id`) of each record. */
export async function uploadIdsInStream(kinesis: KinesisClient, stream: string): Promise<{ ids: string[]; unreadable: number }> {
  const ids: string[] = [];
  let unreadable = 0;
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  for (const shard of Shards) {
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    // The servers have stopped: an empty page means the end of the shard.
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }));
      const records = page.Records ?? [];
      if (records.length === 0) break;
      for (const record of records) {
        const id = uploadIdOf(record.Data);
        if (id === undefined) unreadable += 1;
        else ids.push(id);
      }
      iterator = page.NextShardIterator;
    }
  }
  return { ids, unreadable };
}

function uploadIdOf(data: Uint8Array | undefined): string | undefined {
  try {
    const packet = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as { data?: { id?: unknown } };
    return typeof packet.data?.id === 'string' ? packet.data.id : undefined;
  } catch {
    return undefined;
  }
}

export async function auditStream(
  kinesis: KinesisClient,
  stream: string,
  receipts: ReadonlySet<string>,
  abandonedBound: number,
): Promise<StreamAudit> {
  const { ids, unreadable } = await uploadIdsInStream(kinesis, stream);
  const inStream = new Set(ids);
  let missing = 0;
  for (const id of receipts) if (!inStream.has(id)) missing += 1;
  let withoutReceipt = 0;
  for (const id of ids) if (!receipts.has(id)) withoutReceipt += 1;
  return {
    stream,
    receipts: receipts.size,
    records: ids.length + unreadable,
    receiptsMissingFromStream: missing,
    recordsWithoutReceipt: withoutReceipt,
    abandonedBound,
    duplicateRecords: ids.length - inStream.size,
    unreadableRecords: unreadable,
  };
}

/** What an audit says is wrong, named after the server (empty when every receipt is in the stream). */
export function auditProblems(name: string, audit: StreamAudit): string[] {
  const problems: string[] = [];
  if (audit.receiptsMissingFromStream > 0) {
    problems.push(`${name}: ${audit.receiptsMissingFromStream} uploads got a 202 but have no record in ${audit.stream}`);
  }
  if (audit.recordsWithoutReceipt > audit.abandonedBound) {
    problems.push(
      `${name}: ${audit.recordsWithoutReceipt} records without a receipt, more than the ${audit.abandonedBound} requests that can have been abandoned in flight`,
    );
  }
  if (audit.unreadableRecords > 0) problems.push(`${name}: ${audit.unreadableRecords} records without data.id in ${audit.stream}`);
  return problems;
}

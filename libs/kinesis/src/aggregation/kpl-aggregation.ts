import { createHash } from 'node:crypto';
import { ProtobufReader, ProtobufWriter } from './protobuf-wire';

/** The four bytes every KPL-aggregated record starts with. */
export const KPL_MAGIC = Buffer.from([0xf3, 0x89, 0x9a, 0xc2]);
const MD5_BYTES = 16;

/** One user record inside an aggregated Kinesis record. */
export interface AggregatedUserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

/**
 * The user records of a Kinesis Producer Library aggregated record (magic bytes, a protobuf
 * `AggregatedRecord`, then the MD5 of the protobuf bytes), or `undefined` when `data` is not
 * one: no magic, too short, or a checksum that does not match — the KCL then hands the record
 * on as it is, and so do we (a plain record may start with the magic bytes by chance).
 *
 * @throws RangeError when the checksum matches but the protobuf is malformed (a broken producer)
 */
export function deaggregate(data: Uint8Array): AggregatedUserRecord[] | undefined {
  if (data.length < KPL_MAGIC.length + MD5_BYTES || !KPL_MAGIC.equals(data.subarray(0, KPL_MAGIC.length))) return undefined;
  const message = data.subarray(KPL_MAGIC.length, data.length - MD5_BYTES);
  const checksum = data.subarray(data.length - MD5_BYTES);
  if (!createHash('md5').update(message).digest().equals(checksum)) return undefined;

  const partitionKeys: string[] = [];
  const hashKeys: string[] = [];
  const entries: Array<{ partitionKeyIndex: number; hashKeyIndex?: number; data: Uint8Array }> = [];
  const reader = new ProtobufReader(message);
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 2) partitionKeys.push(reader.stringField());
    else if (field === 2 && wireType === 2) hashKeys.push(reader.stringField());
    else if (field === 3 && wireType === 2) entries.push(readRecord(reader.bytesField()));
    else reader.skip(wireType);
  }
  return entries.map((entry) => {
    const partitionKey = partitionKeys[entry.partitionKeyIndex];
    if (partitionKey === undefined) throw new RangeError(`partition key index ${entry.partitionKeyIndex} out of range`);
    return {
      partitionKey,
      ...(entry.hashKeyIndex !== undefined ? { explicitHashKey: hashKeys[entry.hashKeyIndex] } : {}),
      data: entry.data,
    };
  });
}

function readRecord(bytes: Uint8Array): { partitionKeyIndex: number; hashKeyIndex?: number; data: Uint8Array } {
  const reader = new ProtobufReader(bytes);
  let partitionKeyIndex: number | undefined;
  let hashKeyIndex: number | undefined;
  let data: Uint8Array | undefined;
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1 && wireType === 0) partitionKeyIndex = reader.varint();
    else if (field === 2 && wireType === 0) hashKeyIndex = reader.varint();
    else if (field === 3 && wireType === 2) data = reader.bytesField();
    else reader.skip(wireType); // tags (field 4) carry nothing a consumer needs
  }
  if (partitionKeyIndex === undefined || data === undefined) throw new RangeError('aggregated record lacks a partition key index or data');
  return { partitionKeyIndex, hashKeyIndex, data };
}

/** Builds a KPL aggregated record (what the KPL puts in the stream): for tests and producers. */
export function aggregate(records: AggregatedUserRecord[]): Buffer {
  const keys = [...new Set(records.map((r) => r.partitionKey))];
  const writer = new ProtobufWriter();
  for (const key of keys) writer.bytesField(1, key);
  for (const record of records) {
    const entry = new ProtobufWriter().varintField(1, keys.indexOf(record.partitionKey)).bytesField(3, record.data).finish();
    writer.bytesField(3, entry);
  }
  const message = writer.finish();
  return Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()]);
}

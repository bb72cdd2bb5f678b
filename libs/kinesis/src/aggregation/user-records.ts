import type { _Record } from '@aws-sdk/client-kinesis';
import { deaggregate } from './kpl-aggregation';

/**
 * A record as handlers see it: a plain Kinesis record, or one user record of a KPL aggregate,
 * which shares its Kinesis record's sequence number and has its own sub-sequence number.
 */
export interface UserRecord extends _Record {
  subSequenceNumber?: number;
  /** For a user record: whether it is the last of its aggregate. */
  lastInAggregate?: boolean;
}

/** Where a shard's processing stands: after a whole record, or after part of an aggregate. */
export interface ShardPosition {
  sequenceNumber: string;
  /** Set when only the user records up to this one (inclusive) of the aggregate are done. */
  subSequenceNumber?: number;
}

/** The checkpoint string of a position: `<sequence>` or `<sequence>/<sub-sequence>`. */
export function formatPosition(position: ShardPosition): string {
  return position.subSequenceNumber === undefined
    ? position.sequenceNumber
    : `${position.sequenceNumber}/${position.subSequenceNumber}`;
}

export function parsePosition(checkpoint: string): ShardPosition {
  const [sequenceNumber, sub] = checkpoint.split('/');
  return sub === undefined ? { sequenceNumber } : { sequenceNumber, subSequenceNumber: Number(sub) };
}

/** The position once `record` is done: a whole record, unless more of its aggregate follows. */
export function positionAfter(record: UserRecord): ShardPosition {
  return record.subSequenceNumber === undefined || record.lastInAggregate
    ? { sequenceNumber: record.SequenceNumber! }
    : { sequenceNumber: record.SequenceNumber!, subSequenceNumber: record.subSequenceNumber };
}

/**
 * The user records of a GetRecords page: aggregated records are opened up (checksum
 * verified), plain ones pass as they are. `resumeAfter` drops the user records of a partly
 * done aggregate that an earlier reader finished already.
 * @param onMalformed told when an aggregate's checksum matched but its contents did not parse;
 *   the record then passes whole (and becomes a dead letter as malformed)
 */
export function userRecordsOf(
  records: readonly _Record[],
  resumeAfter?: ShardPosition,
  onMalformed?: (record: _Record, error: unknown) => void,
): UserRecord[] {
  const result: UserRecord[] = [];
  for (const record of records) {
    let parts: ReturnType<typeof deaggregate>;
    try {
      parts = deaggregate(record.Data ?? new Uint8Array());
    } catch (error) {
      onMalformed?.(record, error);
      parts = undefined;
    }
    if (parts === undefined) {
      result.push(record);
      continue;
    }
    const doneThrough =
      resumeAfter !== undefined && resumeAfter.sequenceNumber === record.SequenceNumber
        ? (resumeAfter.subSequenceNumber ?? Infinity)
        : -1;
    parts.forEach((part, index) => {
      if (index <= doneThrough) return;
      result.push({
        ...record,
        PartitionKey: part.partitionKey,
        Data: part.data,
        subSequenceNumber: index,
        lastInAggregate: index === parts.length - 1,
      });
    });
  }
  return result;
}

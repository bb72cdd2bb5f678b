import type { ShardIteratorType } from '@aws-sdk/client-kinesis';
import { parsePosition, type ShardPosition } from '../aggregation/user-records';

/** Checkpoint values a replay writes (see `LeaseManager.requestReset`), besides sequence numbers. */
export const CHECKPOINT_TRIM_HORIZON = 'TRIM_HORIZON';
const AT_TIMESTAMP_PREFIX = 'AT_TIMESTAMP/';

/** The checkpoint that makes a shard be read again from `time` (what arrived at or after it). */
export function checkpointAtTimestamp(time: Date): string {
  return `${AT_TIMESTAMP_PREFIX}${time.getTime()}`;
}

/** Where a shard's reading starts, from its lease's checkpoint. */
export type StartingPoint =
  | { kind: 'trim-horizon' }
  | { kind: 'timestamp'; at: Date }
  | { kind: 'after'; position: ShardPosition };

export function startingPointOf(checkpoint: string | undefined): StartingPoint {
  // Never LATEST: a shard nobody has read yet starts at its oldest record.
  if (checkpoint === undefined || checkpoint === CHECKPOINT_TRIM_HORIZON) return { kind: 'trim-horizon' };
  if (checkpoint.startsWith(AT_TIMESTAMP_PREFIX)) {
    return { kind: 'timestamp', at: new Date(Number(checkpoint.slice(AT_TIMESTAMP_PREFIX.length))) };
  }
  return { kind: 'after', position: parsePosition(checkpoint) };
}

/** The GetShardIterator arguments for a starting point. */
export function iteratorPositionOf(start: StartingPoint): {
  ShardIteratorType: ShardIteratorType;
  StartingSequenceNumber?: string;
  Timestamp?: Date;
} {
  switch (start.kind) {
    case 'trim-horizon':
      return { ShardIteratorType: 'TRIM_HORIZON' };
    case 'timestamp':
      return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: start.at };
    case 'after':
      // Inside a KPL aggregate: start AT that record; its finished user records are dropped.
      return start.position.subSequenceNumber === undefined
        ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: start.position.sequenceNumber }
        : { ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: start.position.sequenceNumber };
  }
}

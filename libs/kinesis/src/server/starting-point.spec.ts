import { checkpointAtTimestamp, iteratorPositionOf, startingPointOf } from './starting-point';

describe('starting point of a shard', () => {
  it('starts a shard with no checkpoint, or reset to the trim horizon, at its oldest record', () => {
    expect(iteratorPositionOf(startingPointOf(undefined))).toEqual({ ShardIteratorType: 'TRIM_HORIZON' });
    expect(iteratorPositionOf(startingPointOf('TRIM_HORIZON'))).toEqual({ ShardIteratorType: 'TRIM_HORIZON' });
  });

  it('starts a replay from a timestamp AT_TIMESTAMP', () => {
    const at = new Date('2026-11-27T05:00:00.000Z');
    expect(iteratorPositionOf(startingPointOf(checkpointAtTimestamp(at)))).toEqual({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: at });
  });

  it('resumes after a whole record, or at a partly done aggregate', () => {
    expect(iteratorPositionOf(startingPointOf('4955'))).toEqual({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '4955' });
    expect(iteratorPositionOf(startingPointOf('4955/2'))).toEqual({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '4955' });
  });
});

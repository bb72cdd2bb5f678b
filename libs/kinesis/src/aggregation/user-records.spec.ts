import type { _Record } from '@aws-sdk/client-kinesis';
import { aggregate } from './kpl-aggregation';
import { formatPosition, parsePosition, positionAfter, userRecordsOf } from './user-records';

const plain = (seq: string): _Record => ({ SequenceNumber: seq, PartitionKey: `pk-${seq}`, Data: Buffer.from(seq) });
const aggregated = (seq: string, n: number): _Record => ({
  SequenceNumber: seq,
  PartitionKey: 'agg',
  Data: aggregate(Array.from({ length: n }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(`${seq}.${i}`) }))),
});

describe('user records', () => {
  it('opens aggregates in place and numbers their user records', () => {
    const records = userRecordsOf([plain('1'), aggregated('2', 3), plain('3')]);
    expect(records.map((r) => [r.SequenceNumber, r.subSequenceNumber, r.PartitionKey, Buffer.from(r.Data!).toString()])).toEqual([
      ['1', undefined, 'pk-1', '1'],
      ['2', 0, 'k0', '2.0'],
      ['2', 1, 'k1', '2.1'],
      ['2', 2, 'k2', '2.2'],
      ['3', undefined, 'pk-3', '3'],
    ]);
  });

  it('checkpoints inside an aggregate with its sub-sequence, and after its last user record as a whole', () => {
    const [, first, , last] = userRecordsOf([plain('1'), aggregated('2', 3)]);
    expect(formatPosition(positionAfter(first))).toBe('2/0');
    expect(formatPosition(positionAfter(last))).toBe('2');
    expect(parsePosition('2/1')).toEqual({ sequenceNumber: '2', subSequenceNumber: 1 });
    expect(parsePosition('42')).toEqual({ sequenceNumber: '42' });
  });

  it('resuming inside an aggregate drops the user records already done', () => {
    const records = userRecordsOf([aggregated('2', 4), plain('3')], { sequenceNumber: '2', subSequenceNumber: 1 });
    expect(records.map((r) => `${r.SequenceNumber}/${r.subSequenceNumber ?? '-'}`)).toEqual(['2/2', '2/3', '3/-']);
  });

  it('hands a malformed aggregate on whole, and says so', () => {
    const broken = aggregated('5', 2);
    const onMalformed = jest.fn();
    // Valid checksum, contents that do not parse: rebuild with a bad field but a matching MD5.
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const message = Buffer.from([0x1a, 0x05, 0x1a, 0x03, 0x61, 0x62, 0x63]); // a record with data but no key index
    broken.Data = Buffer.concat([Buffer.from([0xf3, 0x89, 0x9a, 0xc2]), message, createHash('md5').update(message).digest()]);
    const records = userRecordsOf([broken], undefined, onMalformed);
    expect(records).toEqual([broken]);
    expect(onMalformed).toHaveBeenCalledTimes(1);
  });
});

import { createHash } from 'node:crypto';
import { aggregate, deaggregate, KPL_MAGIC } from './kpl-aggregation';
import { ProtobufWriter } from './protobuf-wire';

describe('KPL aggregation', () => {
  const users = [
    { partitionKey: 'user-1', data: Buffer.from('{"n":1}') },
    { partitionKey: 'user-2', data: Buffer.from('{"n":2}') },
    { partitionKey: 'user-1', data: Buffer.alloc(300, 7) }, // a length over 127 needs a two-byte varint
  ];

  it('opens an aggregated record into its user records, keys and bytes intact', () => {
    const parts = deaggregate(aggregate(users))!;
    expect(parts.map((p) => p.partitionKey)).toEqual(['user-1', 'user-2', 'user-1']);
    expect(parts.map((p) => Buffer.from(p.data))).toEqual(users.map((u) => u.data));
  });

  it('reads explicit hash keys and skips tags and unknown fields', () => {
    const entry = new ProtobufWriter()
      .varintField(1, 0)
      .varintField(2, 0)
      .bytesField(3, 'payload')
      .bytesField(4, new ProtobufWriter().bytesField(1, 'tag').finish())
      .finish();
    const message = new ProtobufWriter().bytesField(1, 'pk').bytesField(2, '123').varintField(9, 5).bytesField(3, entry).finish();
    const record = Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()]);
    expect(deaggregate(record)).toEqual([{ partitionKey: 'pk', explicitHashKey: '123', data: Buffer.from('payload') }]);
  });

  it('passes plain records by: no magic, too short, or a checksum that does not match', () => {
    expect(deaggregate(Buffer.from('{"pattern":"p"}'))).toBeUndefined();
    expect(deaggregate(KPL_MAGIC)).toBeUndefined();
    const tampered = aggregate(users);
    tampered[10] ^= 0xff;
    expect(deaggregate(tampered)).toBeUndefined();
  });

  it('throws when the checksum matches but the contents are broken (a faulty producer)', () => {
    const message = new ProtobufWriter().bytesField(3, new ProtobufWriter().bytesField(3, 'no key index').finish()).finish();
    const record = Buffer.concat([KPL_MAGIC, message, createHash('md5').update(message).digest()]);
    expect(() => deaggregate(record)).toThrow(RangeError);
  });
});

import { decodePacket, encodePacket, MalformedRecordError } from './kinesis-packet.codec';

describe('packet codec', () => {
  it('round-trips a packet', () => {
    const packet = { pattern: 'a.b', id: '1', occurred_at: 'now', headers: { x: 'y' }, data: { n: 1 } };
    expect(decodePacket(encodePacket(packet))).toEqual(packet);
  });

  it.each([
    ['not JSON', 'hello'],
    ['an array', '[1]'],
    ['no pattern', '{"id":"1","occurred_at":"t","data":1}'],
    ['non-string header', '{"pattern":"p","id":"1","occurred_at":"t","headers":{"a":1}}'],
  ])('rejects %s', (_name, text) => {
    expect(() => decodePacket(Buffer.from(text))).toThrow(MalformedRecordError);
  });
});

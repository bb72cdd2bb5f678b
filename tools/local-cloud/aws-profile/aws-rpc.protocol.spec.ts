import { cbor } from '@smithy/core/cbor';
import { AMZ_CBOR_1_1, AMZ_JSON_1_1, awsErrorResponse, base64ByteLength, codecFor, decodeObject, operationOf } from './aws-rpc.protocol';

describe('AWS JSON/CBOR RPC wire format', () => {
  it('reads the operation from X-Amz-Target', () => {
    expect(operationOf({ 'x-amz-target': 'Kinesis_20131202.PutRecords' })).toBe('PutRecords');
    expect(operationOf({ 'x-amz-target': 'DynamoDB_20120810.GetItem' })).toBe('GetItem');
    expect(operationOf({})).toBe('unknown');
  });

  it('picks the codec by Content-Type: JSON 1.0/1.1 and Kinesis CBOR', () => {
    expect(codecFor({ 'content-type': 'application/x-amz-json-1.1' })?.contentType).toBe(AMZ_JSON_1_1);
    expect(codecFor({ 'content-type': 'application/x-amz-json-1.0; charset=utf-8' })?.contentType).toBe('application/x-amz-json-1.0');
    expect(codecFor({ 'content-type': AMZ_CBOR_1_1 })?.contentType).toBe(AMZ_CBOR_1_1);
    expect(codecFor({ 'content-type': 'application/xml' })).toBeUndefined();
  });

  it('measures blobs in both encodings: base64 text in JSON, byte strings in CBOR', () => {
    const json = codecFor({ 'content-type': AMZ_JSON_1_1 })!;
    const data = Buffer.from('hello, kinesis');
    expect(json.blobLength(data.toString('base64'))).toBe(data.length);
    const binary = codecFor({ 'content-type': AMZ_CBOR_1_1 })!;
    const decoded = decodeObject(binary, Buffer.from(cbor.serialize({ Records: [{ Data: new Uint8Array(data), PartitionKey: 'k' }] })));
    expect(binary.blobLength((decoded!.Records as { Data: unknown }[])[0].Data)).toBe(data.length);
    expect(decodeObject(binary, binary.encode({ a: 1 }))).toEqual({ a: 1 });
  });

  it('counts base64 bytes without decoding, padding included', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000]) expect(base64ByteLength(Buffer.alloc(n).toString('base64'))).toBe(n);
  });

  it('answers errors the way the SDK recognises them (__type, x-amzn-ErrorType, status)', () => {
    const codec = codecFor({ 'content-type': AMZ_JSON_1_1 })!;
    const response = awsErrorResponse(codec, 400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard x');
    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': AMZ_JSON_1_1, 'x-amzn-errortype': 'ProvisionedThroughputExceededException' });
    expect(response.headers['x-amzn-requestid']).toBeTruthy();
    expect(JSON.parse(response.body.toString())).toEqual({ __type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for shard x' });
  });

  it('does not mistake a non-object body for a request', () => {
    const codec = codecFor({ 'content-type': AMZ_JSON_1_1 })!;
    expect(decodeObject(codec, Buffer.from('not json'))).toBeUndefined();
    expect(decodeObject(codec, Buffer.from('[1]'))).toBeUndefined();
  });
});
